package dev.strata.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContextIgnoreTest {
  @TempDir Path dir;

  private static final List<String> CHANGED =
      List.of("README.md", "main.go", "Dockerfile", "docs/x.md", "testdata/a.txt");

  @Test
  void theDockerignoreDropsWhatTheBuildNeverSees() throws Exception {
    Files.writeString(dir.resolve(".dockerignore"), "*.md\nDockerfile\ntestdata/\n");
    // "*.md" matches at the root only, as in Docker (docs/x.md stays in the context)
    assertEquals(
        List.of("README.md", "Dockerfile", "testdata/a.txt"),
        ContextIgnore.ignored(dir, "Dockerfile", CHANGED));
  }

  @Test
  void aDockerfileSpecificIgnoreFileWins() throws Exception {
    Files.writeString(dir.resolve(".dockerignore"), "*.md\n");
    Files.createDirectories(dir.resolve("build"));
    Files.writeString(dir.resolve("build/app.Dockerfile.dockerignore"), "main.go\n");
    assertEquals(List.of("main.go"), ContextIgnore.ignored(dir, "build/app.Dockerfile", CHANGED));
  }

  @Test
  void noIgnoreFileDropsNothing() throws Exception {
    assertEquals(List.of(), ContextIgnore.ignored(dir, "Dockerfile", CHANGED));
  }
}
