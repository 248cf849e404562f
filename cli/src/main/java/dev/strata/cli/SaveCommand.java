package dev.strata.cli;

import dev.strata.archive.ArchiveFormat;
import dev.strata.archive.ArchiveSaver;
import dev.strata.codec.Compression;
import dev.strata.store.Store;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code strata save NAME -o FILE [--format docker|oci]}. */
@Command(name = "save", description = "Write an image to a docker-archive or oci-archive tarball.")
final class SaveCommand implements Callable<Integer> {
  @ParentCommand StrataCommand top;

  @Parameters(paramLabel = "NAME", description = "Image name, id or digest.")
  String name;

  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "FILE",
      description = "The archive to write.")
  Path output;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description = "docker (default, as docker save) or oci.")
  String format = "docker";

  @Option(
      names = "--compression",
      paramLabel = "gzip|zstd|none",
      description =
          "oci: layers in this compression (default: as stored, zstd); gzip for tools that read no zstd.")
  String compression;

  @Override
  public Integer call() throws IOException {
    ArchiveFormat f = ArchiveFormat.parse(format);
    Compression c =
        compression == null
            ? null
            : switch (compression) {
              case "gzip" -> Compression.GZIP;
              case "zstd" -> Compression.ZSTD;
              case "none" -> Compression.NONE;
              default ->
                  throw new IllegalArgumentException(
                      "--compression " + compression + ": want gzip, zstd or none");
            };
    if (c != null && f != ArchiveFormat.OCI) {
      throw new IllegalArgumentException(
          "--compression goes with --format oci (docker archives hold plain tars)");
    }
    try (Store store = top.openStore()) {
      new ArchiveSaver(store).save(store.image(name), output, f, c);
    }
    return 0;
  }
}
