package dev.strata.solver.run;

import dev.strata.store.PrivateDirs;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A cache mount's lock for {@code sharing=locked|private}: in this JVM (stages on several threads)
 * and across processes (an fcntl lock on {@code cache-mounts/<id>.lock}, beside the directory,
 * never inside what the step sees).
 */
final class CacheLock implements AutoCloseable {
  private static final Map<Path, ReentrantLock> CACHE_LOCKS = new ConcurrentHashMap<>();

  private final ReentrantLock inJvm;
  private final FileChannel channel;
  private final FileLock os;

  private CacheLock(ReentrantLock inJvm, FileChannel channel, FileLock os) {
    this.inJvm = inJvm;
    this.channel = channel;
    this.os = os;
  }

  /** Waits for the lock, or with {@code wait} false gives up at once and returns null. */
  static CacheLock take(Path dir, boolean wait) throws IOException {
    ReentrantLock l = CACHE_LOCKS.computeIfAbsent(dir, k -> new ReentrantLock());
    if (wait) {
      try {
        l.lockInterruptibly();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("waiting for cache mount " + dir.getFileName());
      }
    } else if (!l.tryLock()) {
      return null;
    }
    FileChannel ch = null;
    try {
      PrivateDirs.create(dir.getParent()); // cache-mounts/, 0700 as the store
      ch =
          FileChannel.open(
              dir.resolveSibling(dir.getFileName() + ".lock"),
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE);
      FileLock os = wait ? ch.lock() : ch.tryLock();
      if (os == null) {
        ch.close();
        l.unlock();
        return null;
      }
      return new CacheLock(l, ch, os);
    } catch (IOException | RuntimeException e) {
      if (ch != null) {
        ch.close();
      }
      l.unlock();
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    try {
      os.release();
      channel.close();
    } finally {
      inJvm.unlock();
    }
  }
}
