package dev.strata.solver.copy;

import dev.strata.frontend.ignore.DockerIgnore;
import dev.strata.frontend.ignore.IgnorePatternException;
import dev.strata.layer.RootReader;
import dev.strata.posix.FileStat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The build's own files that may lie in the context: the Dockerfile and its ignore file. One in the
 * context is read through a {@link RootReader}, so a context's {@code Dockerfile -> ~/.ssh/id_rsa}
 * or {@code .dockerignore -> /etc/shadow} finds nothing (BuildKit transfers them from the context's
 * directory with fsutil FollowPaths, which follows links inside it only), and a FIFO there is
 * refused, never opened. A Dockerfile the user named outside the context with {@code -f} is the
 * user's own and read as it is.
 */
public final class ContextFiles {
  private ContextFiles() {}

  /**
   * The Dockerfile's bytes (the frontend decodes them, naming the line and byte that are not
   * UTF-8). A missing one is "not found in the build context" when it would lie inside the context
   * (a link out of it finds nothing there), else "no such file or directory".
   */
  public static byte[] dockerfile(Path context, Path dockerfile) throws IOException {
    byte[] bytes = read(context, dockerfile, true);
    if (bytes == null) {
      throw new IOException(
          inside(context, dockerfile)
              ? "not found in the build context"
              : "no such file or directory");
    }
    return bytes;
  }

  /**
   * The ignore file for a build: {@code <Dockerfile>.dockerignore} next to the Dockerfile if it
   * exists (BuildKit), else {@code .dockerignore} at the root of the context, else none.
   */
  public static DockerIgnore ignore(Path context, Path dockerfile)
      throws IOException, IgnorePatternException {
    byte[] specific =
        read(context, dockerfile.resolveSibling(dockerfile.getFileName() + ".dockerignore"), false);
    if (specific != null) {
      return DockerIgnore.parse(utf8(specific));
    }
    byte[] general = read(context, context.resolve(".dockerignore"), false);
    return general == null ? DockerIgnore.none() : DockerIgnore.parse(utf8(general));
  }

  /** Strict UTF-8: bad bytes are a CharacterCodingException ("not UTF-8 text"), never U+FFFD. */
  private static String utf8(byte[] bytes) throws IOException {
    return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
  }

  private static boolean inside(Path context, Path file) {
    return file.normalize().startsWith(context) && !file.normalize().equals(context);
  }

  /**
   * The bytes of {@code file}, or null when it is not there (inside the context: not there in it);
   * a directory is an error when {@code dirIsError}, else not there.
   */
  private static byte[] read(Path context, Path file, boolean dirIsError) throws IOException {
    if (!inside(context, file)) {
      if (dirIsError && Files.isDirectory(file)) {
        throw new IOException("is a directory");
      }
      return Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
    }
    try (RootReader r = new RootReader(context, RootReader.NONE)) {
      String found = r.find(context.relativize(file.normalize()).toString(), true);
      FileStat st = found == null ? null : r.lstat(found);
      if (st != null && st.isDirectory() && dirIsError) {
        throw new IOException("is a directory");
      }
      if (st == null || st.isDirectory()) {
        return null;
      }
      if (!st.isRegularFile()) {
        throw new IOException(file + ": not a regular file"); // a FIFO would block the read
      }
      try (InputStream in = Channels.newInputStream(r.openFile(found))) {
        return in.readAllBytes();
      }
    }
  }
}
