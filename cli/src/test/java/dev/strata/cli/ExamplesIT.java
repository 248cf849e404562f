package dev.strata.cli;

import static dev.strata.cli.StrataProcess.fixture;
import static dev.strata.cli.StrataProcess.strata;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.oci.Json;
import dev.strata.validate.ImageValidator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7's acceptance on the examples: each builds from the local golang:1.19 (fixture golang.tar,
 * made from Debian packages by scripts/test) and runs; hello's final image is small while its
 * builder stage is hundreds of MB; a rebuild with nothing changed hits every step.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExamplesIT {
  @org.junit.jupiter.api.AfterAll
  static void emptyTempDir() throws Exception {
    StrataProcess.removeContents(dir);
  }

  @TempDir static Path dir;
  static Path store;
  static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();

  @BeforeAll
  static void bases() throws Exception {
    store = dir.resolve("store");
    strata(store, "import", fixture("golang.tar").toString(), "golang:1.19").ok();
    strata(store, "import", fixture("busybox.tar").toString(), "busybox:latest").ok();
  }

  private static JsonNode inspect(String name) throws Exception {
    return Json.parse(strata(store, "inspect", name).ok().out().getBytes(StandardCharsets.UTF_8));
  }

  private static long size(JsonNode img) {
    long s = 0;
    for (JsonNode l : img.get("manifest").get("layers")) {
      s += l.get("size").asLong();
    }
    return s;
  }

  @Test
  @Order(1)
  void helloBuildsSmallRunsAndRebuildsFromCache() throws Exception {
    Path cold = dir.resolve("cold.json");
    Path warm = dir.resolve("warm.json");
    strata(
            store,
            "build",
            "-t",
            "hello",
            "--stats-json",
            cold.toString(),
            EXAMPLES.resolve("hello").toString())
        .ok();
    strata(
            store,
            "build",
            "-t",
            "hello",
            "--stats-json",
            warm.toString(),
            EXAMPLES.resolve("hello").toString())
        .ok();
    JsonNode w = Json.parse(Files.readAllBytes(warm));
    assertEquals(1.0, w.get("hitRate").asDouble(), "every step of the rebuild is a hit: " + w);
    double ratio =
        w.get("seconds").asDouble()
            / Json.parse(Files.readAllBytes(cold)).get("seconds").asDouble();
    System.out.printf(
        "hello: cold %.1fs, rebuild %.1fs (%.0f%%)%n",
        Json.parse(Files.readAllBytes(cold)).get("seconds").asDouble(),
        w.get("seconds").asDouble(),
        ratio * 100);
    assertTrue(
        ratio < 0.5, "a no-change rebuild should be a small fraction of the cold build: " + ratio);
    strata(
            store,
            "build",
            "-t",
            "hello-builder",
            "--target",
            "builder",
            EXAMPLES.resolve("hello").toString())
        .ok();
    long finalSize = size(inspect("hello"));
    long builderSize = size(inspect("hello-builder"));
    System.out.printf(
        "hello: final image %.1f MB, builder stage %.1f MB (compressed layers)%n",
        finalSize / 1e6, builderSize / 1e6);
    assertTrue(finalSize < 15_000_000, "final image " + finalSize);
    assertTrue(builderSize > 100_000_000, "builder stage " + builderSize);
    JsonNode cfg = inspect("hello").get("config").get("config");
    assertEquals("app", cfg.get("User").asText());
    assertTrue(cfg.get("ExposedPorts").has("8080/tcp"));
    assertEquals(
        "Hello world!", strata(store, "run", "--rm", "hello", "--once").ok().out().strip());
    ImageValidator.assertValid(store, "hello");
  }

  @Test
  @Order(2)
  void cgoStaticBuildsAndRuns() throws Exception {
    strata(store, "build", "-t", "cgo-static", EXAMPLES.resolve("cgo-static").toString()).ok();
    JsonNode cfg = inspect("cgo-static").get("config").get("config");
    assertTrue(cfg.get("Env").toString().contains("PORT=8080"), cfg.toString());
    assertEquals("cgo-static", cfg.get("Labels").get("org.opencontainers.image.title").asText());
    String out = strata(store, "run", "--rm", "cgo-static", "--once").ok().out();
    assertTrue(out.contains("The answer, computed in C: 42"), out);
    ImageValidator.assertValid(store, "cgo-static");
  }

  @Test
  @Order(4)
  void goCacheKeepsTheBuildCacheOutOfLayersAndACodeEditRecompilesFromIt() throws Exception {
    // a copy: the test edits main.go
    Path ex = Files.createDirectories(dir.resolve("go-cache"));
    for (String f : List.of("Dockerfile", "go.mod", "main.go")) {
      Files.copy(EXAMPLES.resolve("go-cache").resolve(f), ex.resolve(f));
    }
    Path cold = dir.resolve("gc-cold.json");
    Path edit = dir.resolve("gc-edit.json");
    strata(store, "build", "-t", "go-cache", "--stats-json", cold.toString(), ex.toString()).ok();
    assertEquals(
        "Hello world!", strata(store, "run", "--rm", "go-cache", "--once").ok().out().strip());
    Files.writeString(
        ex.resolve("main.go"),
        Files.readString(ex.resolve("main.go")).replace("Hello world!", "Hello, edited!"));
    strata(store, "build", "-t", "go-cache", "--stats-json", edit.toString(), ex.toString()).ok();
    assertEquals(
        "Hello, edited!", strata(store, "run", "--rm", "go-cache", "--once").ok().out().strip());
    JsonNode c = Json.parse(Files.readAllBytes(cold));
    JsonNode e = Json.parse(Files.readAllBytes(edit));
    JsonNode run = null;
    for (JsonNode st : e.get("steps")) {
      if (st.get("instruction").asText().startsWith("RUN --mount=type=cache")) {
        run = st;
      }
    }
    assertEquals("miss", run.get("cache").asText(), "the bound sources changed: " + e);
    // the Go build cache stayed in the cache mount: the layer holds the binary only
    assertTrue(run.get("layerBytes").asLong() < 5_000_000, "go build's layer: " + run);
    System.out.printf(
        "go-cache: cold %.1fs, code edit %.1fs (go build step %.1fs)%n",
        c.get("seconds").asDouble(), e.get("seconds").asDouble(), run.get("seconds").asDouble());
    ImageValidator.assertValid(store, "go-cache");
  }

  @Test
  @Order(3)
  void multiFileWithDashFAndCopyFromIndex() throws Exception {
    Path ex = EXAMPLES.resolve("multi-file");
    strata(
            store,
            "build",
            "-f",
            ex.resolve("Dockerfile.multi").toString(),
            "-t",
            "multi-file",
            ex.toString())
        .ok();
    JsonNode cfg = inspect("multi-file").get("config").get("config");
    assertEquals(
        "[\"/bin/sh\",\"-c\",\"/usr/local/bin/multifile\"]", cfg.get("Entrypoint").toString());
    assertTrue(cfg.get("ExposedPorts").has("80/tcp"));
    assertEquals(
        "Hello from multi-file!", strata(store, "run", "--rm", "multi-file").ok().out().strip());
    ImageValidator.assertValid(store, "multi-file");
  }
}
