package dev.strata.cli;

import dev.strata.archive.ImportOptions;
import dev.strata.archive.RootfsImporter;
import dev.strata.store.Store;
import dev.strata.store.StoredImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code strata import ROOTFS.tar NAME}: a rootfs tarball becomes a one-layer image. */
@Command(
    name = "import",
    description = "Make a one-layer image from a rootfs tarball (plain, gzip or zstd).")
final class ImportCommand implements Callable<Integer> {
  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "ROOTFS.tar", description = "The rootfs tarball.")
  Path tarball;

  @Parameters(index = "1", paramLabel = "NAME", description = "Name of the new image.")
  String name;

  @Option(
      names = {"-c", "--change"},
      paramLabel = "INSTRUCTION",
      description = "Apply a CMD, ENTRYPOINT, ENV, LABEL, EXPOSE, WORKDIR or USER instruction.")
  List<String> changes = new ArrayList<>();

  @Option(
      names = {"-m", "--message"},
      paramLabel = "TEXT",
      description = "History comment.")
  String message;

  @Override
  public Integer call() throws IOException {
    try (Store store = top.openStore()) {
      StoredImage i =
          new RootfsImporter(store)
              .importRootfs(tarball, name, new ImportOptions(changes, message, Times.created()));
      spec.commandLine().getOut().println(i.id());
    }
    return 0;
  }
}
