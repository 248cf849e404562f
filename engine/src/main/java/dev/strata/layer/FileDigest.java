package dev.strata.layer;

import dev.strata.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * The sha256 of a file, computed by a thread of its own from the moment this is made, while the
 * caller reads the same file for something else. The bytes hashed are the file's as that thread
 * reads them, which are the caller's only for a file nothing writes any more (a store's blobs).
 */
final class FileDigest {
  private final FutureTask<Digest> task;

  FileDigest(Path file, String threadName) {
    task =
        new FutureTask<>(
            () -> {
              MessageDigest md = Digest.newSha256();
              byte[] buf =
                  new byte[1 << 17]; // small enough to stay in cache from the read to the hash
              try (InputStream in = Files.newInputStream(file)) {
                int n;
                while ((n = in.read(buf)) > 0) {
                  md.update(buf, 0, n);
                }
              }
              return Digest.fromSha256(md.digest());
            });
    Thread t = new Thread(task, threadName);
    t.setDaemon(true);
    t.start();
  }

  /** Waits for the digest; the thread's read error is rethrown. */
  Digest get() throws IOException {
    try {
      return task.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException("hashing failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while hashing");
    }
  }

  /** Stops the thread if it is still reading (the file channel is interruptible). */
  void cancel() {
    task.cancel(true);
  }
}
