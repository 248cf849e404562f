package dev.strata.bench.run;

import dev.strata.frontend.ignore.DockerIgnore;
import dev.strata.frontend.ignore.IgnorePatternException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Which changed files the build never sees: those the context's ignore file leaves out, read as the
 * builders read it ({@code <Dockerfile>.dockerignore} beside the Dockerfile, else {@code
 * .dockerignore} at the root, as BuildKit and Strata do) and matched by Strata's own matcher.
 */
final class ContextIgnore {
  private ContextIgnore() {}

  static List<String> ignored(Path context, String dockerfile, List<String> changed)
      throws IOException {
    if (changed.isEmpty()) {
      return List.of();
    }
    Path df = context.resolve(dockerfile);
    Path specific = df.resolveSibling(df.getFileName() + ".dockerignore");
    Path general = context.resolve(".dockerignore");
    Path file = Files.isRegularFile(specific) ? specific : general;
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    DockerIgnore ignore;
    try {
      ignore = DockerIgnore.parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IgnorePatternException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
    return changed.stream().filter(ignore::isExcluded).toList();
  }
}
