package dev.strata.cli;

import dev.strata.store.Store;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code strata prune}: deletes blobs no named image reaches. */
@Command(name = "prune", description = "Delete blobs that no named image uses.")
final class PruneCommand implements Callable<Integer> {
  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    try (Store store = top.openStore()) {
      Store.PruneResult r = store.prune(Set.of());
      spec.commandLine()
          .getOut()
          .printf("Removed %d blobs, %s%n", r.removed().size(), Format.bytes(r.bytes()));
    }
    return 0;
  }
}
