package dev.strata.solver.copy;

import dev.strata.frontend.ignore.DockerIgnore;
import dev.strata.frontend.parser.Heredoc;
import dev.strata.posix.Posix;
import dev.strata.solver.BuildException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * COPY and ADD heredocs ({@code COPY <<EOF /f}): each body becomes a file named after its
 * delimiter, 0644, as BuildKit's dockerfile frontend makes it (llb.Mkfile(name, 0644, body) in an
 * empty tree, then copied like any source: into {@code dest/NAME} when dest is a directory, else
 * onto dest; --chmod and --chown apply). The body was expanded by the frontend unless the delimiter
 * was quoted. BuildKit stamps the file with the build time; here it gets the Unix epoch, so the
 * layer is the same at any time.
 */
final class InlineFiles {
  private InlineFiles() {}

  /** Writes {@code docs} in a directory of {@code tmp} and copies them to {@code dest}. */
  static void copy(
      List<Heredoc> docs,
      Path tmp,
      FileCopier copier,
      String dest,
      FileCopier.Attrs attrs,
      int sourceCount)
      throws IOException {
    Path dir = Files.createTempDirectory(tmp, "heredoc-");
    try {
      for (Heredoc h : docs) {
        String name = h.name();
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
          throw new BuildException("heredoc <<" + name + ": not a file name");
        }
        Path f = dir.resolve(name);
        Files.writeString(f, h.chompedContent(), StandardCharsets.UTF_8);
        Posix.chmod(f, 0644);
        Posix.lutimes(f, 0, 0);
        try (CopySources one = new CopySources(dir, DockerIgnore.none(), "heredoc")) {
          copier.copy(
              one, List.of(new CopySources.Selected(name, name, false)), dest, attrs, sourceCount);
        }
      }
    } finally {
      try (var s = Files.list(dir)) {
        for (Path p : (Iterable<Path>) s::iterator) {
          Files.deleteIfExists(p);
        }
      }
      Files.deleteIfExists(dir);
    }
  }
}
