package dev.strata.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Shared and exclusive locks on a lock file that hold across processes (fcntl locks through {@link
 * FileChannel#lock}) and across threads of this JVM. Java refuses two overlapping locks on one file
 * in one JVM, so threads share one OS lock per file, counted here.
 */
final class FileLocks {
  private static final Map<Path, Entry> LOCKS = new ConcurrentHashMap<>();

  private FileLocks() {}

  /** A held lock; close releases it. */
  interface Held extends AutoCloseable {
    @Override
    void close();
  }

  static Held shared(Path file) throws IOException {
    return acquire(file, true);
  }

  static Held exclusive(Path file) throws IOException {
    return acquire(file, false);
  }

  private static Held acquire(Path file, boolean shared) throws IOException {
    Entry e = LOCKS.computeIfAbsent(file.toAbsolutePath().normalize(), k -> new Entry(k));
    Lock inJvm = shared ? e.rw.readLock() : e.rw.writeLock();
    inJvm.lock();
    try {
      e.take(shared);
    } catch (IOException | RuntimeException ex) {
      inJvm.unlock();
      throw ex;
    }
    return new Held() {
      private boolean released;

      @Override
      public void close() {
        if (!released) {
          released = true;
          e.give();
          inJvm.unlock();
        }
      }
    };
  }

  private static final class Entry {
    final Path file;
    final ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
    FileChannel channel;
    FileLock lock;
    int holders;

    Entry(Path file) {
      this.file = file;
    }

    synchronized void take(boolean shared) throws IOException {
      if (holders == 0) {
        channel =
            FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
          lock = channel.lock(0, Long.MAX_VALUE, shared);
        } catch (IOException | RuntimeException ex) {
          channel.close();
          throw ex;
        }
      }
      holders++;
    }

    synchronized void give() {
      if (--holders == 0) {
        try {
          lock.release();
          channel.close();
        } catch (IOException ignored) {
          // closing the channel releases the lock in any case
        }
        lock = null;
        channel = null;
      }
    }
  }
}
