package dev.strata.build;

import dev.strata.frontend.ignore.DockerIgnore;
import dev.strata.frontend.ignore.IgnorePatternException;
import dev.strata.layer.RootReader;
import dev.strata.posix.FileStat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The build's own files that may lie in the context: the Dockerfile and its ignore file. One in
 * the context is read through a {@link RootReader}, so a context's {@code Dockerfile -> ~/.ssh/id_rsa}
 * or {@code .dockerignore -> /etc/shadow} finds nothing (BuildKit transfers them from the
 * context's directory with fsutil FollowPaths, which follows links inside it only), and a FIFO
 * there is refused, never opened. A Dockerfile the user named outside the context with {@code -f}
 * is the user's own and read as it is.
 */
final class ContextFiles {
  private ContextFiles() {}

  /** The Dockerfile's text. */
  static String dockerfile(Path context, Path dockerfile) throws IOException {
    String text = read(context, dockerfile);
    if (text == null) {
      throw new IOException(inside(context, dockerfile) ? "not found in the build context" : "not found");
    }
    return text;
  }

  /**
   * The ignore file for a build: {@code <Dockerfile>.dockerignore} next to the Dockerfile if it
   * exists (BuildKit), else {@code .dockerignore} at the root of the context, else none.
   */
  static DockerIgnore ignore(Path context, Path dockerfile) throws IOException, IgnorePatternException {
    String specific = read(context, dockerfile.resolveSibling(dockerfile.getFileName() + ".dockerignore"));
    if (specific != null) {
      return DockerIgnore.parse(specific);
    }
    String general = read(context, context.resolve(".dockerignore"));
    return general == null ? DockerIgnore.none() : DockerIgnore.parse(general);
  }

  private static boolean inside(Path context, Path file) {
    return file.normalize().startsWith(context) && !file.normalize().equals(context);
  }

  /** The text of {@code file}, or null when it is not there (inside the context: not there in it). */
  private static String read(Path context, Path file) throws IOException {
    if (!inside(context, file)) {
      return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
    }
    try (RootReader r = new RootReader(context, RootReader.NONE)) {
      String found = r.find(context.relativize(file.normalize()).toString(), true);
      FileStat st = found == null ? null : r.lstat(found);
      if (st == null || st.isDirectory()) {
        return null;
      }
      if (!st.isRegularFile()) {
        throw new IOException(file + ": not a regular file"); // a FIFO would block the read
      }
      try (InputStream in = Channels.newInputStream(r.openFile(found))) {
        return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(in.readAllBytes())).toString(); // strict: CharacterCodingException on bad bytes
      }
    }
  }
}
