package dev.strata.cli;

import dev.strata.archive.ArchiveLoader;
import dev.strata.store.Store;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code strata load -i FILE}: images from a docker-archive or oci-archive. */
@Command(name = "load", description = "Load images from a docker-archive or oci-archive tarball.")
final class LoadCommand implements Callable<Integer> {
  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;

  @Option(
      names = {"-i", "--input"},
      required = true,
      paramLabel = "FILE",
      description = "The archive.")
  Path input;

  @Override
  public Integer call() throws IOException {
    try (Store store = top.openStore()) {
      for (String n : new ArchiveLoader(store).load(input)) {
        spec.commandLine().getOut().println("Loaded image: " + n);
      }
    }
    return 0;
  }
}
