package dev.strata.cli;

import dev.strata.store.Store;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code strata rmi NAME...}: removes names; the blobs go at the next {@code prune}. */
@Command(name = "rmi", description = "Remove image names (blobs are freed by 'strata prune').")
final class RmiCommand implements Callable<Integer> {
  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "NAME", description = "Image names, ids or digests.")
  List<String> names;

  @Override
  public Integer call() {
    try (Store store = top.openStore()) {
      for (String n : names) {
        for (String removed : store.untag(n)) {
          spec.commandLine().getOut().println("Untagged: " + removed);
        }
      }
    }
    return 0;
  }
}
