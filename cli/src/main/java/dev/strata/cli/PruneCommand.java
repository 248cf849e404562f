package dev.strata.cli;

import dev.strata.rootless.Namespace;
import dev.strata.solver.StorePrune;
import dev.strata.store.Store;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata prune}: deletes blobs no named image or cache record reaches, then the unpacked
 * layers no image left stands on, the remembered digests of files changed or gone since, and with
 * {@code --cache-mounts} the cache mount directories, and what killed builds and runs left in the
 * store's work areas (their sessions' {@code tmp/}, {@code layers/tmp}, {@code layers/work}). Those
 * carry the namespace's owners (subordinate ids), so when there are any the command runs again
 * inside Strata's user namespace, as build and run do; root deletes them as they are (it owns them,
 * or may remove any file), also where no user namespace can be made (the chroot rung). It waits for
 * builds and runs that have the store open.
 */
@Command(
    name = "prune",
    description = "Delete blobs no named image or build cache uses, and unused unpacked layers.")
final class PruneCommand implements Callable<Integer> {
  private static final Logger LOG = Logger.getLogger(PruneCommand.class.getName());

  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;

  @Option(
      names = "--cache-mounts",
      description = "Also delete the RUN --mount=type=cache directories (as docker builder prune).")
  boolean cacheMounts;

  @Override
  public Integer call() throws Exception {
    // Leftovers are swept under the prune lock, where what they free is counted and reported.
    try (Store store = top.openStore(Store.Recovery.LEAVE_TO_PRUNE)) {
      if (StorePrune.canRunHere(store, cacheMounts)) {
        Store.PruneResult<StorePrune.Swept> r = StorePrune.prune(store, cacheMounts);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("Removed %d blobs, %s%n", r.removed().size(), Format.bytes(r.bytes()));
        StorePrune.Swept swept = r.derived();
        out.printf(
            "Removed %d unpacked layers, %s%n",
            swept.layers().count(), Format.bytes(swept.layers().bytes()));
        if (cacheMounts) {
          out.printf(
              "Removed %d cache mounts, %s%n",
              swept.cacheMounts().count(), Format.bytes(swept.cacheMounts().bytes()));
        }
        out.printf("Removed %d file digests of changed or deleted files%n", swept.staleDigests());
        Store.Recovered leftovers = swept.leftovers();
        out.printf(
            "Removed %d leftovers of interrupted commands, %s%n",
            leftovers.freed().count(), Format.bytes(leftovers.freed().bytes()));
        leftovers.left().forEach(LOG::warning);
        return 0;
      }
    }
    List<String> argv = spec.root().commandLine().getParseResult().originalArgs();
    return Namespace.forStore(top.root).reexec(Main.class.getName(), argv);
  }
}
