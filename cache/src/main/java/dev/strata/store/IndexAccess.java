package dev.strata.store;

import dev.strata.index.StoreIndex;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * The store's RocksDB index under {@code index/}: opened per call under {@code index/strata.lock}
 * (RocksDB admits one process at a time), or held open for a burst of calls. {@link Store}'s index
 * methods are these.
 */
final class IndexAccess {
  private final Path root;

  IndexAccess(Path root) {
    this.root = root;
  }

  /**
   * Runs {@code fn} with the RocksDB index open. RocksDB admits one process at a time, so the index
   * is held only for the call, under {@code index/strata.lock}.
   */
  <T> T withIndex(Function<StoreIndex, T> fn) {
    StoreIndex held = heldIndex;
    if (held != null) {
      return fn.apply(held);
    }
    try (FileLocks.Held l = FileLocks.exclusive(root.resolve("index").resolve("strata.lock"));
        StoreIndex idx = StoreIndex.open(root.resolve("index").resolve("db"))) {
      return fn.apply(idx);
    } catch (IOException e) {
      throw new StoreException("cannot lock the store index: " + e.getMessage(), e);
    }
  }

  private volatile StoreIndex heldIndex;

  /**
   * Keeps the index open, under its lock, until the returned handle is closed: a burst of {@link
   * #withIndex} calls (a build answered from the cache makes a dozen) then opens RocksDB once.
   * Other processes wait for the index meanwhile, so hold it only for short work.
   */
  AutoCloseable holdIndex() {
    Path lock = root.resolve("index").resolve("strata.lock");
    FileLocks.Held l;
    try {
      l = FileLocks.exclusive(lock);
    } catch (IOException e) {
      throw new StoreException("cannot lock the store index: " + e.getMessage(), e);
    }
    StoreIndex idx;
    try {
      idx = StoreIndex.open(root.resolve("index").resolve("db"));
    } catch (RuntimeException e) {
      l.close();
      throw e;
    }
    heldIndex = idx;
    return () -> {
      heldIndex = null;
      try {
        idx.close();
      } finally {
        l.close();
      }
    };
  }
}
