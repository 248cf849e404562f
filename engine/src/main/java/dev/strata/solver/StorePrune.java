package dev.strata.solver;

import dev.strata.rootless.Namespace;
import dev.strata.solver.copy.StatKeys;
import dev.strata.solver.run.CacheMounts;
import dev.strata.store.Store;
import java.io.IOException;
import java.util.Set;

/**
 * {@code strata prune} as one call: blobs no named image or cache record reaches, then the unpacked
 * layers no image left stands on, the remembered digests of files changed or gone since, with
 * {@code cacheMounts} the cache mount directories, and what killed builds and runs left in the
 * store's work areas, all under the store's prune lock.
 */
public final class StorePrune {
  private StorePrune() {}

  /** What a prune freed besides blobs. */
  public record Swept(
      Store.Freed layers, Store.Freed cacheMounts, int staleDigests, Store.Recovered leftovers) {}

  /**
   * Whether this process can prune {@code store}: what it deletes may carry the namespace's owners
   * (subordinate ids), which only a process inside it, or root, may delete.
   */
  public static boolean canRunHere(Store store, boolean cacheMounts) throws IOException {
    boolean namespaced =
        ImageSnapshots.hasUnpacked(store)
            || (cacheMounts && CacheMounts.any(store))
            || store.hasLeftovers(true);
    return !namespaced || Namespace.inside() || Namespace.callerIsRoot();
  }

  /** Prunes {@code store} (opened with {@code Store.Recovery.LEAVE_TO_PRUNE}). */
  public static Store.PruneResult<Swept> prune(Store store, boolean cacheMounts)
      throws IOException {
    return store.prune(Set.of(), s -> sweep(s, cacheMounts));
  }

  /** The sweeps besides the blobs', under the prune's lock. */
  private static Swept sweep(Store s, boolean cacheMounts) throws IOException {
    Store.Recovered leftovers = s.sweepLeftovers();
    Store.Freed mounts = cacheMounts ? CacheMounts.prune(s) : Store.Freed.NOTHING;
    int stale = s.withIndex(idx -> idx.pruneFileHashes(StatKeys::isCurrent));
    return new Swept(ImageSnapshots.pruneUnpacked(s), mounts, stale, leftovers);
  }
}
