package dev.strata.cli;

import static dev.strata.cli.StrataProcess.fixture;
import static dev.strata.cli.StrataProcess.strata;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16's acceptance on a copy of examples/hello (Go, from the local golang:1.19): no change and
 * a touch of every file hit every step; a comment-only edit misses only in the builder, naming
 * main.go, and the final stage hits (the binary is the same); a one-line code edit is explained
 * with main.go as the first cause and the later misses following it.
 */
class CacheExplainHelloIT {
  @TempDir Path dir;

  @AfterEach
  void emptyTempDir() throws Exception {
    StrataProcess.removeContents(dir);
  }

  private static JsonNode build(Path store, Path ctx, Path stats) throws Exception {
    strata(store, "build", "-t", "hello", "--stats-json", stats.toString(), ctx.toString()).ok();
    return CacheExplainIT.json(stats);
  }

  @Test
  void helloExplainsItsMisses() throws Exception {
    Path store = dir.resolve("store");
    strata(store, "import", fixture("golang.tar").toString(), "golang:1.19").ok();
    Path ctx = dir.resolve("hello");
    Files.createDirectories(ctx);
    try (var files = Files.list(ExamplesIT.EXAMPLES.resolve("hello"))) {
      for (Path f : files.toList()) {
        Files.copy(f, ctx.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
    // Go stamps a binary with a build ID hashed from its sources, comments included (go1.19.8:
    // a comment edit gives another binary with -ldflags '-s -w'), so the final stage can hit after
    // a comment-only edit only when the ID is left out: the example builds with -buildid=.
    Path df = ctx.resolve("Dockerfile");
    assertTrue(
        Files.readString(df).contains("-buildid="),
        "examples/hello builds without a build ID (a comment edit would change the binary)");
    Path st = dir.resolve("st.json");
    build(store, ctx, st);
    assertEquals(1.0, build(store, ctx, st).get("hitRate").asDouble(), "no change");
    try (var files = Files.list(ctx)) {
      for (Path f : files.toList()) {
        Files.setLastModifiedTime(f, FileTime.fromMillis(System.currentTimeMillis() + 5000));
      }
    }
    assertEquals(1.0, build(store, ctx, st).get("hitRate").asDouble(), "every file touched");

    // a comment-only edit, on its line: the same code, the same binary
    Path main = ctx.resolve("main.go");
    String src = Files.readString(main);
    Files.writeString(main, src.replace("used as a build fixture.", "used as a build fixture!"));
    JsonNode c = build(store, ctx, st);
    // FROM, ENV, WORKDIR, COPY go.mod, RUN download, COPY ., RUN build, RUN useradd; FROM, COPY,
    // COPY, USER, EXPOSE, ENTRYPOINT
    List<String> caches = CacheExplainIT.caches(c);
    assertEquals(
        List.of(
            "-", "-", "-", "hit", "hit", "miss", "miss", "miss", "-", "hit", "hit", "-", "-", "-"),
        caches,
        c.toString());
    assertTrue(
        c.get("steps").get(5).get("reason").asText().startsWith("1 file changed: main.go"),
        c.get("steps").get(5).toString());

    // a one-line code edit
    Files.writeString(main, Files.readString(main).replace("Hello world!", "Hello, strata!"));
    JsonNode e = build(store, ctx, st);
    String explained = strata(store, "cache", "explain", "last").ok().out();
    assertTrue(explained.contains("first cause: 1 file changed: main.go"), explained);
    assertTrue(explained.contains("follows STEP 6"), explained);
    assertEquals("follows", e.get("steps").get(9).get("cause").asText(), e.toString());
    // the passwd copy after it follows the same cause, not a change of its own
    assertEquals(6, e.get("steps").get(10).get("causeStep").asInt(), e.toString());
    String history = strata(store, "cache", "history").ok().out();
    System.out.println(explained + "\n" + history);
  }
}
