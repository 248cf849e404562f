package dev.strata.cli;

import dev.strata.solver.CachePrune;
import dev.strata.store.Store;
import dev.strata.store.StoreUsage;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Set;

/**
 * The store's {@code gc.keepStorage} applied after a build (BuildKit's GC policy): when set and the
 * store is over it, cache is pruned least recently used first, as {@code strata cache prune
 * --keep-storage} does. Off by default: measuring the store walks it.
 */
final class CacheGc {
  static final String KEEP_STORAGE = "gc.keepStorage";

  private CacheGc() {}

  /** Runs after a build that succeeded; a failure is a warning (the build is done). */
  static void afterBuild(StrataCommand top, PrintStream log) {
    try (Store store = top.openStore()) {
      String setting = store.withIndex(idx -> idx.setting(KEEP_STORAGE));
      if (setting == null) {
        return;
      }
      long keep = CachePruneCommand.size(setting);
      if (StoreUsage.measure(store).total() <= keep) {
        return;
      }
      if (CachePrune.canRunHere(store)) {
        CachePrune.Result r =
            CachePrune.prune(store, new CachePrune.Options(keep, (Duration) null, Set.of()), false);
        log.printf(
            "--> gc.keepStorage %s: pruned %d cache layers, store %s -> %s%n",
            setting, r.records().size(), Format.bytes(r.before()), Format.bytes(r.after()));
      } else {
        log.printf(
            "--> gc.keepStorage %s: store over it; run strata cache prune --keep-storage %s%n",
            setting, setting);
      }
    } catch (Exception e) {
      log.println("Warning: gc.keepStorage: " + e.getMessage());
    }
  }
}
