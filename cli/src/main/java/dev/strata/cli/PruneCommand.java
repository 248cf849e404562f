package dev.strata.cli;

import dev.strata.nshelper.HelperBinary;
import dev.strata.nshelper.UserNamespace;
import dev.strata.solver.ImageSnapshots;
import dev.strata.solver.copy.StatKeys;
import dev.strata.solver.run.CacheMounts;
import dev.strata.store.Store;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
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
      boolean namespaced =
          ImageSnapshots.hasUnpacked(store)
              || (cacheMounts && CacheMounts.any(store))
              || store.hasLeftovers(true);
      if (!namespaced || UserNamespace.inside() || UserNamespace.callerIds()[0] == 0) {
        Store.PruneResult<Swept> r = store.prune(Set.of(), this::sweep);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("Removed %d blobs, %s%n", r.removed().size(), Format.bytes(r.bytes()));
        Swept swept = r.derived();
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
    HelperBinary helper = HelperBinary.in(UnshareCommand.helperDir(top));
    List<String> argv = spec.root().commandLine().getParseResult().originalArgs();
    return UserNamespace.reexecJvm(
        helper,
        UserNamespace.mappingFor(UnshareCommand.idMappingRequest("auto")),
        Main.class.getName(),
        argv);
  }

  /** What a prune freed besides blobs. */
  private record Swept(
      Store.Freed layers, Store.Freed cacheMounts, int staleDigests, Store.Recovered leftovers) {}

  /** The sweeps besides the blobs', under the prune's lock. */
  private Swept sweep(Store s) throws IOException {
    Store.Recovered leftovers = s.sweepLeftovers();
    Store.Freed mounts = cacheMounts ? CacheMounts.prune(s) : Store.Freed.NOTHING;
    int stale = s.withIndex(idx -> idx.pruneFileHashes(StatKeys::isCurrent));
    return new Swept(ImageSnapshots.pruneUnpacked(s), mounts, stale, leftovers);
  }
}
