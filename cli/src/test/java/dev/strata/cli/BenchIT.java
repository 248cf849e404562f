package dev.strata.cli;

import static dev.strata.cli.StrataProcess.bin;
import static dev.strata.cli.StrataProcess.fixture;
import static dev.strata.cli.StrataProcess.removeContents;
import static dev.strata.cli.StrataProcess.requireTool;
import static dev.strata.cli.StrataProcess.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata bench replay} over a tiny repository (3 commits, busybox base), real builds: each
 * step's hit or miss, the hit rates against Strata's own --stats-json, buildah's counts from its
 * output, a missing builder reported as missing, and the user's checkout untouched.
 */
class BenchIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  /** The counted steps (RUN, COPY) of the Dockerfile below, in order. */
  private static final List<String> COUNTED =
      List.of(
          "COPY deps.txt /app/",
          "RUN cat /app/deps.txt > /app/deps.out",
          "COPY src/ /app/src/",
          "RUN ls /app/src > /app/list");

  /**
   * Per commit, the cache of each counted step: the first build is cold; "change a" busts the COPY
   * of src/ and what follows; "change deps" busts everything from the first COPY on.
   */
  private static final List<List<String>> EXPECTED =
      List.of(
          List.of("miss", "miss", "miss", "miss"),
          List.of("hit", "hit", "miss", "miss"),
          List.of("miss", "miss", "miss", "miss"));

  @AfterEach
  void cleanUp() throws Exception {
    removeContents(dir);
  }

  private Path repo() throws Exception {
    Path r = Files.createDirectories(dir.resolve("repo"));
    Files.createDirectories(r.resolve("src"));
    Files.writeString(
        r.resolve("Dockerfile"),
        "FROM busybox\n"
            + String.join("\n", COUNTED.subList(0, 2))
            + "\n"
            + String.join("\n", COUNTED.subList(2, 4))
            + "\nCMD [\"sh\"]\n");
    Files.writeString(r.resolve("src/a.txt"), "one\n");
    Files.writeString(r.resolve("deps.txt"), "dep1\n");
    git(r, "init", "-q", "-b", "main", ".");
    git(r, "add", "-A");
    git(r, "commit", "-qm", "first");
    Files.writeString(r.resolve("src/a.txt"), "one\ntwo\n");
    git(r, "commit", "-qam", "change a");
    Files.writeString(r.resolve("deps.txt"), "dep1\ndep2\n");
    git(r, "commit", "-qam", "change deps");
    return r;
  }

  private static void git(Path repo, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("git", "-C", repo.toString()));
    cmd.addAll(List.of(args));
    run(
            cmd,
            Map.of(
                "GIT_CONFIG_GLOBAL", "/dev/null",
                "GIT_AUTHOR_NAME", "t",
                "GIT_AUTHOR_EMAIL", "t@example.invalid",
                "GIT_COMMITTER_NAME", "t",
                "GIT_COMMITTER_EMAIL", "t@example.invalid"))
        .ok();
  }

  private StrataProcess.Result bench(Path repo, Path out, String builders, Map<String, String> env)
      throws Exception {
    return run(
        List.of(
            bin().toString(),
            "bench",
            "replay",
            "--repo",
            repo.toString(),
            "--commits",
            "main",
            "--builders",
            builders,
            "--base",
            "busybox=" + fixture("busybox.tar"),
            "--out",
            out.toString()),
        env);
  }

  @Test
  void replayCountsEachStepAsStrataStatsSay() throws Exception {
    Path repo = repo();
    String head = run("git", "-C", repo.toString(), "rev-parse", "HEAD").ok().out();
    Path out = dir.resolve("out");
    StrataProcess.Result r = bench(repo, out, "strata", Map.of()).ok();
    assertEquals(3, r.err().lines().filter(l -> l.startsWith("[")).count(), r.err());
    assertTrue(r.err().contains("[2/3]"), r.err());

    JsonNode results = JSON.readTree(out.resolve("results.json").toFile());
    assertEquals(1, results.path("schemaVersion").asInt());
    JsonNode points = results.path("points");
    assertEquals(3, points.size());
    for (int i = 0; i < 3; i++) {
      JsonNode build = points.get(i).path("builds").get(0);
      assertEquals("strata", build.path("builder").asText());
      assertEquals("ok", build.path("status").asText(), build.toString());
      assertEquals(EXPECTED.get(i), counted(build), "commit " + i);
      // the build's own statistics, written by strata build --stats-json
      Path stats;
      try (Stream<Path> s = Files.list(out.resolve("logs/strata"))) {
        String prefix = String.format("%03d-", i);
        stats =
            s.filter(p -> p.getFileName().toString().startsWith(prefix))
                .filter(p -> p.toString().endsWith(".stats.json"))
                .findFirst()
                .orElseThrow();
      }
      JsonNode own = JSON.readTree(stats.toFile());
      assertEquals(own.path("hitRate").asDouble(), build.path("hitRate").asDouble(), "commit " + i);
      assertEquals(counted(own), counted(build));
      assertEquals(own.path("imageDigest").asText(), build.path("imageDigest").asText());
      long misses = EXPECTED.get(i).stream().filter("miss"::equals).count();
      assertEquals(misses, build.path("stepsRun").asLong());
      assertEquals(4 - misses, build.path("stepsCached").asLong());
      for (JsonNode st : build.path("steps")) {
        if (st.path("cache").asText().equals("miss")) {
          assertTrue(!st.path("reason").asText("").isEmpty(), "a miss without a reason: " + st);
        }
      }
      assertTrue(build.path("wallSeconds").asDouble() > 0);
      assertTrue(build.path("peakRssKb").asLong() > 10_000, build.toString());
      assertTrue(build.path("cpuSeconds").asDouble() > 0);
    }
    assertEquals(
        List.of(),
        text(points.get(0).path("changedFiles")),
        "the first commit has nothing to compare with");
    assertEquals(List.of("src/a.txt"), text(points.get(1).path("changedFiles")));

    String md = Files.readString(out.resolve("report.md"));
    assertTrue(md.contains("| strata | 3 | 0 |"), md);
    assertTrue(md.contains("| `COPY src/ /app/src/` | 1 |"), md);
    assertTrue(md.contains("| `src/a.txt` | 1 |"), md);
    for (String chart : List.of("build-time", "hit-rate", "cumulative-time")) {
      Path svg = out.resolve("charts/" + chart + ".svg");
      assertNotNull(DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(svg.toFile()));
    }
    // the user's checkout: same HEAD, nothing added or changed
    assertEquals(head, run("git", "-C", repo.toString(), "rev-parse", "HEAD").ok().out());
    assertEquals("", run("git", "-C", repo.toString(), "status", "--porcelain").ok().out());
  }

  @Test
  void buildahCountsFromItsOutputMatchStrata() throws Exception {
    requireTool("buildah", "buildah");
    requireTool("runc", "runc");
    Path out = dir.resolve("out");
    bench(repo(), out, "strata,buildah", Map.of()).ok();
    JsonNode points = JSON.readTree(out.resolve("results.json").toFile()).path("points");
    for (int i = 0; i < 3; i++) {
      JsonNode buildah = points.get(i).path("builds").get(1);
      assertEquals("buildah", buildah.path("builder").asText());
      assertEquals("ok", buildah.path("status").asText(), buildah.toString());
      assertEquals(EXPECTED.get(i), counted(buildah), "buildah, commit " + i);
      assertTrue(buildah.path("imageId").asText().startsWith("sha256:"), buildah.toString());
      assertTrue(buildah.path("newLayerBytes").asLong() > 0, buildah.toString());
    }
  }

  @Test
  void missingBuilderIsReportedNotSkipped() throws Exception {
    // PATH without buildah: every tool of /usr/bin but it, linked into a directory of our own
    Path bins = Files.createDirectories(dir.resolve("bins"));
    try (Stream<Path> s = Files.list(Path.of("/usr/bin"))) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (!p.getFileName().toString().equals("buildah")) {
          Files.createSymbolicLink(bins.resolve(p.getFileName()), p);
        }
      }
    }
    Path out = dir.resolve("out");
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", bins + ":/usr/sbin:/sbin");
    StrataProcess.Result r = bench(repo(), out, "strata,buildah", env);
    assertEquals(1, r.exit(), r.err());
    assertTrue(r.err().contains("builder buildah is missing: buildah is not installed"), r.err());
    JsonNode results = JSON.readTree(out.resolve("results.json").toFile());
    assertEquals(
        "buildah is not installed (apt-get install buildah)",
        results.path("builders").get(1).path("missing").asText());
    for (JsonNode p : results.path("points")) {
      assertEquals("missing", p.path("builds").get(1).path("status").asText());
      assertEquals("ok", p.path("builds").get(0).path("status").asText());
    }
    assertTrue(Files.readString(out.resolve("report.md")).contains("**missing**"));
  }

  @Test
  void editsOfAContextCountEachStep() throws Exception {
    Path ctx = Files.createDirectories(dir.resolve("ctx"));
    Files.writeString(
        ctx.resolve("Dockerfile"),
        String.join(
            "\n",
            "FROM busybox",
            "ARG FLAVOUR=plain",
            "COPY conf.txt /app/",
            "RUN echo \"$FLAVOUR\" > /app/flavour",
            "COPY . /app/src/",
            "RUN ls -R /app/src > /app/list",
            ""));
    Files.writeString(ctx.resolve(".dockerignore"), "*.md\nDockerfile\n");
    Files.writeString(ctx.resolve("conf.txt"), "a=1\n");
    Files.writeString(ctx.resolve("main.txt"), "line 1\nline 2\n");
    Files.writeString(ctx.resolve("notes.md"), "notes\n");
    Path script =
        Files.writeString(
            dir.resolve("edits.yaml"),
            String.join(
                "\n",
                "edits:",
                "  - {name: touch conf, touch: conf.txt}",
                "  - {name: ignored notes, append: {file: notes.md, text: more}}",
                "  - {name: a line of main, set-line: {file: main.txt, line: 2, text: line two}}",
                "  - {name: a comment, append: {file: Dockerfile, text: '# a comment'}}",
                "  - {name: spicy, build-arg: {FLAVOUR: spicy}}",
                ""));
    Path out = dir.resolve("out");
    StrataProcess.Result r =
        run(
                List.of(
                    bin().toString(),
                    "bench",
                    "edits",
                    "--context",
                    ctx.toString(),
                    "--script",
                    script.toString(),
                    "--builders",
                    "strata",
                    "--base",
                    "busybox=" + fixture("busybox.tar"),
                    "--out",
                    out.toString()),
                Map.of())
            .ok();
    List<List<String>> expected =
        List.of(
            List.of("miss", "miss", "miss", "miss"), // cold
            List.of("hit", "hit", "hit", "hit"), // touch: content unchanged
            List.of("hit", "hit", "hit", "hit"), // a .dockerignored file
            List.of("hit", "hit", "miss", "miss"), // a file COPY . takes
            List.of("hit", "hit", "hit", "hit")); // a Dockerfile comment (Dockerfile ignored)
    JsonNode points = JSON.readTree(out.resolve("results.json").toFile()).path("points");
    assertEquals(6, points.size(), r.err());
    for (int i = 0; i < 5; i++) {
      assertEquals(expected.get(i), counted(points.get(i).path("builds").get(0)), "state " + i);
    }
    // The build arg the RUN sees: the RUN and all after it miss. The COPY before it misses too
    // with today's Strata (its key takes the ARG in scope; BuildKit's would hit), so it is not
    // pinned here: what the report says of it is checked against --stats-json by the replay test.
    assertEquals(
        List.of("miss", "miss", "miss"),
        counted(points.get(5).path("builds").get(0)).subList(1, 4),
        "state 5");
    assertEquals("spicy", points.get(5).path("id").asText());
    assertEquals("notes\n", Files.readString(ctx.resolve("notes.md")), "the context is not edited");
  }

  private static List<String> counted(JsonNode build) {
    List<String> out = new ArrayList<>();
    for (JsonNode st : build.path("steps")) {
      if (!st.path("cache").isNull()) {
        out.add(st.path("cache").asText());
      }
    }
    return out;
  }

  private static List<String> text(JsonNode array) throws IOException {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
