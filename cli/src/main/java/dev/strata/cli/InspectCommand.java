package dev.strata.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.oci.Json;
import dev.strata.store.Store;
import dev.strata.store.StoredImage;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code strata inspect NAME}: the image's name, id, digest, manifest and config as JSON. */
@Command(name = "inspect", description = "Show an image's manifest and config as JSON.")
final class InspectCommand implements Callable<Integer> {
  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "NAME", description = "Image name, id or digest.")
  String name;

  @Override
  public Integer call() {
    try (Store store = top.openStore()) {
      StoredImage i = store.image(name);
      ObjectNode o = Json.object();
      o.put("name", i.name());
      o.put("id", i.id().toString());
      o.put("digest", i.digest().toString());
      o.set("manifest", i.manifest().json());
      o.set("config", i.config().json());
      spec.commandLine().getOut().println(Json.pretty(o));
    }
    return 0;
  }
}
