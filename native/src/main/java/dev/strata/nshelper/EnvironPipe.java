package dev.strata.nshelper;

import dev.strata.posix.Posix;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The environment of a sandboxed command on its way to {@code strata-nshelper run} (protocol.h
 * {@code --environ}): a FIFO in a private directory, written by a thread of this JVM while the
 * helper reads it, so no value is ever on a command line (world-readable in /proc/PID/cmdline) or
 * on disk. A FIFO rather than an inherited descriptor because {@link ProcessBuilder} passes none
 * but stdio, and rather than /proc/JVM/fd/N of a memfd because the helper may already be in a user
 * namespace other than this JVM's, where that path is refused.
 *
 * <p>Close it after the helper has ended: that releases the writer if the helper never read.
 */
public final class EnvironPipe implements AutoCloseable {
  private final Path dir;
  private final Path fifo;
  private final Thread writer;

  private EnvironPipe(Path dir, Path fifo, Thread writer) {
    this.dir = dir;
    this.fifo = fifo;
    this.writer = writer;
  }

  /** A FIFO that will yield {@code env} (KEY=VALUE entries) once, to its first reader. */
  public static EnvironPipe open(List<String> env) throws IOException {
    byte[] data = encode(env);
    Path dir =
        Files.createTempDirectory(
            "strata-environ-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path fifo = dir.resolve("environ");
    try {
      Posix.mkfifo(fifo, 0600);
    } catch (IOException e) {
      Files.delete(dir);
      throw e;
    }
    Thread t =
        new Thread(
            () -> {
              // Opening blocks until the helper opens its end; a helper that dies before it
              // has read leaves a broken pipe, which is its exit status's business, not ours.
              try (OutputStream out = new FileOutputStream(fifo.toFile())) {
                out.write(data);
              } catch (IOException e) {
                // see above
              }
            },
            "sandbox-environ");
    t.setDaemon(true);
    t.start();
    return new EnvironPipe(dir, fifo, t);
  }

  /** What to pass as {@code --environ}. */
  public Path path() {
    return fifo;
  }

  /**
   * protocol.h {@code --environ}: KEY=VALUE entries each ended by a NUL byte, as /proc/PID/environ.
   * An entry that holds a NUL or no KEY cannot be passed.
   */
  static byte[] encode(List<String> env) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < env.size(); i++) {
      String e = env.get(i);
      if (e.indexOf('=') <= 0 || e.indexOf('\0') >= 0) {
        // by number only: the entry may be a secret
        throw new IllegalArgumentException(
            "environment entry " + (i + 1) + " is not KEY=VALUE without NUL bytes");
      }
      out.writeBytes(e.getBytes(StandardCharsets.UTF_8));
      out.write(0);
    }
    return out.toByteArray();
  }

  /**
   * Releases a writer still waiting for a reader and removes the FIFO. A reader that opens and
   * closes at once lets a writer blocked in open(2) go on to a broken pipe (one that is past it
   * ended when the helper did); again, if the writer had not reached open(2) yet.
   */
  @Override
  public void close() throws IOException {
    try {
      while (writer.isAlive()) {
        Posix.close(Posix.open(fifo, Posix.O_RDONLY | Posix.O_NONBLOCK, 0));
        writer.join(10);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      Files.deleteIfExists(fifo);
      Files.deleteIfExists(dir);
    }
  }
}
