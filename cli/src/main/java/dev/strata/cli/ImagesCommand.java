package dev.strata.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.oci.Json;
import dev.strata.store.Store;
import dev.strata.store.StoredImage;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code strata images}: the named images, as {@code podman images} lists them. */
@Command(name = "images", description = "List images in the store.")
final class ImagesCommand implements Callable<Integer> {
  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;

  @Option(names = "--format", paramLabel = "FORMAT", description = "table (default) or json.")
  String format = "table";

  @Option(
      names = {"-q", "--quiet"},
      description = "Print image ids only.")
  boolean quiet;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (Store store = top.openStore()) {
      List<StoredImage> images = store.images();
      if ("json".equals(format)) {
        ArrayNode a = Json.object().arrayNode();
        for (StoredImage i : images) {
          ObjectNode o = a.addObject();
          o.put("name", i.name());
          o.put("id", i.id().toString());
          o.put("digest", i.digest().toString());
          Instant c = i.config().created();
          o.put("created", c == null ? null : c.toString());
          o.put("size", i.manifest().totalSize());
          o.put("architecture", i.config().architecture());
          o.put("os", i.config().os());
          o.put("layers", i.manifest().layers().size());
        }
        out.println(Json.pretty(a));
      } else if (quiet) {
        images.forEach(i -> out.println(i.id().shortHex()));
      } else if (!"table".equals(format)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--format: want table or json, not \"" + format + "\"");
      } else {
        out.printf("%-40s %-14s %-22s %10s%n", "NAME", "IMAGE ID", "CREATED", "SIZE");
        for (StoredImage i : images) {
          Instant c = i.config().created();
          out.printf(
              "%-40s %-14s %-22s %10s%n",
              i.name() == null ? "<none>" : i.name(),
              i.id().shortHex(),
              c == null ? "" : Format.ago(c),
              Format.bytes(i.manifest().totalSize()));
        }
      }
    }
    return 0;
  }
}
