package dev.strata.solver.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.posix.Posix;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Dockerfile and ignore file of a build, read inside the context when they are in it. */
class ContextFilesTest {
  @TempDir Path dir;

  @Test
  void dockerfileSpecificIgnoreFileWins() throws Exception {
    Files.writeString(dir.resolve(".dockerignore"), "general\n");
    Path df = dir.resolve("build/Dockerfile.multi");
    Files.createDirectories(df.getParent());
    Files.writeString(df, "FROM scratch\n");
    assertEquals(List.of("general"), ContextFiles.ignore(dir, df).patterns());
    Files.writeString(dir.resolve("build/Dockerfile.multi.dockerignore"), "specific\n");
    assertEquals(List.of("specific"), ContextFiles.ignore(dir, df).patterns());
    assertEquals(
        List.of(),
        ContextFiles.ignore(dir.resolve("build"), dir.resolve("build/Dockerfile")).patterns());
  }

  @Test
  void linksOutOfTheContextFindNothing() throws Exception {
    Path ctx = Files.createDirectory(dir.resolve("ctx"));
    Files.writeString(dir.resolve("secret"), "FROM secret\n");
    Files.writeString(dir.resolve("ignore"), "secret-pattern\n");
    Files.createSymbolicLink(ctx.resolve("Dockerfile"), dir.resolve("secret"));
    Files.createSymbolicLink(ctx.resolve(".dockerignore"), Path.of("../ignore"));
    IOException e =
        assertThrows(
            IOException.class, () -> ContextFiles.dockerfile(ctx, ctx.resolve("Dockerfile")));
    assertEquals("not found in the build context", e.getMessage());
    assertEquals(List.of(), ContextFiles.ignore(ctx, ctx.resolve("Dockerfile")).patterns());
    // a link inside the context is followed inside it
    Files.writeString(ctx.resolve("real.Dockerfile"), "FROM busybox\n");
    Files.delete(ctx.resolve("Dockerfile"));
    Files.createSymbolicLink(ctx.resolve("Dockerfile"), Path.of("/real.Dockerfile"));
    assertEquals(
        "FROM busybox\n",
        new String(
            ContextFiles.dockerfile(ctx, ctx.resolve("Dockerfile")), StandardCharsets.UTF_8));
    // -f outside the context is the user's own file
    assertEquals(
        "FROM secret\n",
        new String(ContextFiles.dockerfile(ctx, dir.resolve("secret")), StandardCharsets.UTF_8));
  }

  @Test
  void aFifoIsRefusedUnopened() throws Exception {
    Posix.mkfifo(dir.resolve("Dockerfile"), 0644);
    IOException e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(20),
            () ->
                assertThrows(
                    IOException.class,
                    () -> ContextFiles.dockerfile(dir, dir.resolve("Dockerfile"))));
    assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
  }
}
