package dev.strata.cli;

import dev.strata.codec.Compression;
import dev.strata.oci.Descriptor;
import dev.strata.store.Store;
import dev.strata.store.StoredImage;
import dev.strata.transport.ImageLocation;
import dev.strata.transport.ImageTransports;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code strata push NAME [REF]}: an image from the store to a registry, layout or archive. */
@Command(
    name = "push",
    description = {
      "Push an image to docker://REF (default: the image's own name), oci:DIR[:TAG],",
      "oci-archive:FILE or docker-archive:FILE. Prints the pushed manifest digest."
    })
final class PushCommand implements Callable<Integer> {
  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "NAME",
      description = "Image name, id or digest in the store.")
  String name;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "REF",
      description = "Where to push (default: docker://NAME).")
  String dest;

  @Option(
      names = "--compression",
      paramLabel = "ALGO",
      description =
          "Layer compression for registries: gzip (default, every consumer reads it) or zstd.")
  String compression = "gzip";

  @Option(names = "--offline", description = "Refuse every network access.")
  boolean offline;

  @Override
  public Integer call() throws IOException {
    Compression c =
        switch (compression.toLowerCase()) {
          case "gzip" -> Compression.GZIP;
          case "zstd" -> Compression.ZSTD;
          default ->
              throw new ParameterException(
                  spec.commandLine(),
                  "invalid --compression \"" + compression + "\": gzip or zstd");
        };
    try (Store store = top.openStore()) {
      StoredImage img = store.image(name);
      String where = dest != null ? dest : img.name() != null ? img.name() : name;
      ImageLocation to;
      try {
        to = ImageTransports.parse(where);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      Descriptor d =
          new ImageTransports(store, PullCommand.options(offline, spec.commandLine().getErr(), top))
              .push(img, to, c);
      spec.commandLine().getOut().println(d.digest());
    }
    return 0;
  }
}
