package dev.strata.cli;

import static dev.strata.cli.StrataProcess.strata;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.oci.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache as a user measures it (issue 16): a prune keeps what cached multi-stage builds need,
 * misses say why, and {@code strata cache} explains, sums up and bounds the store.
 */
class CacheExplainIT {
  @TempDir Path dir;

  @AfterEach
  void emptyTempDir() throws Exception {
    StrataProcess.removeContents(dir);
  }

  /** A busybox two-stage app: a builder that "compiles" sources, a final stage that copies. */
  static final String MULTI =
      "FROM busybox AS builder\n"
          + "ARG VERSION=dev\n"
          + "WORKDIR /src\n"
          + "COPY . .\n"
          + "RUN cat src/*.txt | grep -v '^#' > /app && echo \"$VERSION\" >> /app\n"
          + "FROM busybox\n"
          + "COPY --from=builder /app /app\n"
          + "COPY --link --from=builder /app /app2\n"
          + "CMD [\"cat\", \"/app\"]\n";

  static JsonNode json(Path p) throws Exception {
    return Json.parse(Files.readAllBytes(p));
  }

  static List<String> caches(JsonNode stats) {
    List<String> l = new ArrayList<>();
    stats.get("steps").forEach(s -> l.add(s.get("cache").isNull() ? "-" : s.get("cache").asText()));
    return l;
  }

  @Test
  void aPruneKeepsWhatACachedMultiStageBuildNeeds() throws Exception {
    Path s = StrataProcess.busyboxStore(dir);
    Path ctx = StrataProcess.context(dir, MULTI, Map.of("src/a.txt", "a\n# note\n"));
    strata(s, "build", "-t", "m", ctx.toString()).ok();
    strata(s, "prune").ok();
    Path st = dir.resolve("st.json");
    StrataProcess.Result again =
        strata(s, "build", "-t", "m", "--stats-json", st.toString(), ctx.toString()).ok();
    // the facts COPY --from and --link recorded survive the prune: no mount needed to key them
    assertTrue(again.err().contains("every step cached: no namespace entered"), again.err());
    assertEquals(List.of("-", "-", "-", "hit", "hit", "-", "hit", "hit", "-"), caches(json(st)));
  }

  private StrataProcess.Result build(Path s, Path ctx, Path stats, String... more)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of("--progress", "plain", "build", "-t", "m", "--stats-json", stats.toString()));
    args.addAll(List.of(more));
    args.add(ctx.toString());
    return strata(s, args.toArray(new String[0])).ok();
  }

  private static JsonNode step(JsonNode stats, int number) {
    return stats.get("steps").get(number - 1);
  }

  @Test
  void everyMissSaysWhyAndTheCacheCommandsSumItUp() throws Exception {
    Path s = StrataProcess.busyboxStore(dir);
    Path ctx =
        StrataProcess.context(
            dir, MULTI, Map.of("src/a.txt", "a\n# a note\n", "src/b.txt", "b\n", "README", "r"));
    Path st = dir.resolve("st.json");
    build(s, ctx, st);
    assertEquals("first build of this Dockerfile", step(json(st), 4).get("reason").asText());

    build(s, ctx, st); // no change
    assertEquals(1.0, json(st).get("hitRate").asDouble(), "no change: " + caches(json(st)));
    try (var files = Files.walk(ctx)) { // touch every file: their content is the same
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.setLastModifiedTime(
            f, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
      }
    }
    build(s, ctx, st);
    assertEquals(1.0, json(st).get("hitRate").asDouble(), "touched: " + caches(json(st)));

    // a comment-only edit: the builder misses, naming the file; the final stage's files are the
    // same, so it hits
    Files.writeString(ctx.resolve("src/a.txt"), "a\n# a longer note\n");
    StrataProcess.Result comment = build(s, ctx, st);
    JsonNode c = json(st);
    assertEquals(List.of("-", "-", "-", "miss", "miss", "-", "hit", "hit", "-"), caches(c));
    assertTrue(
        step(c, 4).get("reason").asText().startsWith("1 file changed: src/a.txt (11 -> 18 bytes)"),
        step(c, 4).toString());
    assertEquals("first", step(c, 4).get("cause").asText());
    assertEquals("follows", step(c, 5).get("cause").asText());
    assertEquals(4, step(c, 5).get("causeStep").asInt());
    assertTrue(
        step(c, 5).get("reason").asText().contains("first cause: COPY . . (STEP 4)"),
        step(c, 5).toString());
    assertTrue(comment.err().contains("--> miss: 1 file changed: src/a.txt"), comment.err());

    // a code edit: explain names the file as the first cause, the rest follow it
    Files.writeString(ctx.resolve("src/b.txt"), "b2\n");
    build(s, ctx, st);
    JsonNode e = json(st);
    assertEquals(List.of("-", "-", "-", "miss", "miss", "-", "miss", "miss", "-"), caches(e));
    String explained = strata(s, "cache", "explain", "last").ok().out();
    assertTrue(
        explained.contains("first cause: 1 file changed: src/b.txt (2 -> 3 bytes)"), explained);
    assertTrue(explained.contains("follows STEP 4: parent step missed"), explained);
    assertEquals("follows", step(e, 7).get("cause").asText(), step(e, 7).toString());
    JsonNode ej = Json.parse(strata(s, "cache", "explain", "--json").ok().out().getBytes());
    assertEquals(json(st).get("buildId"), ej.get("buildId"));
    assertEquals(4, ej.get("steps").get(3).get("number").asInt());

    // a build arg
    build(s, ctx, st, "--build-arg", "VERSION=1.2.4");
    assertEquals("ARG VERSION changed: dev -> 1.2.4", step(json(st), 5).get("reason").asText());
    // the COPY between the ARG and the RUN misses too (the ARG's value is in the key chain, as
    // before): it names the build arg, not a bare "parent step's key changed"
    assertEquals(
        "--build-arg VERSION changed: (none) -> 1.2.4", step(json(st), 4).get("reason").asText());

    // the base image re-imported with other content
    Path extra = dir.resolve("extra");
    Files.createDirectories(extra);
    Files.writeString(extra.resolve("extra.txt"), "x");
    Path tar = dir.resolve("busybox2.tar");
    Files.copy(StrataProcess.fixture("busybox.tar"), tar);
    StrataProcess.run("tar", "-rf", tar.toString(), "-C", extra.toString(), "extra.txt").ok();
    strata(s, "import", tar.toString(), "busybox").ok();
    build(s, ctx, st, "--build-arg", "VERSION=1.2.4");
    String baseReason = step(json(st), 4).get("reason").asText();
    assertTrue(baseReason.startsWith("base image busybox changed: sha256:"), baseReason);

    JsonNode h = Json.parse(strata(s, "cache", "history", "--json").ok().out().getBytes());
    assertEquals(7, h.get("builds").size(), h.toString());
    assertEquals(1.0, h.get("builds").get(1).get("hitRate").asDouble());
    JsonNode top = h.get("busters").get(0);
    assertEquals("COPY . .", top.get("instruction").asText(), h.toString());
    String history = strata(s, "cache", "history").ok().out();
    assertTrue(history.contains("Top cache busters"), history);
    System.out.println(comment.err() + "\n" + explained + "\n" + history);
  }

  private static long duSb(Path s) throws Exception {
    // inside the namespace, as the store's unpacked layers may carry subordinate owners
    String out = strata(s, "unshare", "--", "du", "-sb", s.toString()).ok().out();
    return Long.parseLong(out.strip().split("\\s+")[0]);
  }

  @Test
  void duAddsUpAndPruneBoundsTheStoreSparingNamedImages() throws Exception {
    Path s = StrataProcess.busyboxStore(dir);
    Path ctx =
        StrataProcess.context(
            dir, "FROM busybox\nARG N\nRUN head -c 30000000 /dev/urandom > /big$N\n", Map.of());
    strata(s, "build", "-t", "keep", "--build-arg", "N=0", ctx.toString()).ok();
    for (int n = 1; n <= 3; n++) { // cache-only layers: their image is untagged after
      strata(s, "build", "-t", "gone", "--build-arg", "N=" + n, ctx.toString()).ok();
    }
    strata(s, "rmi", "gone").ok();
    JsonNode du = Json.parse(strata(s, "cache", "du", "--json").ok().out().getBytes());
    long measured = duSb(s);
    long total = du.get("total").asLong();
    assertTrue(
        Math.abs(total - measured) <= measured / 100,
        "cache du " + total + " vs du -sb " + measured + ": " + du);
    assertTrue(du.get("bytes").get("cache").asLong() > 80_000_000L, du.toString());
    assertTrue(du.get("bytes").get("image").asLong() > 30_000_000L, du.toString());

    String dry = strata(s, "cache", "prune", "--keep-storage", "100MB", "--dry-run").ok().out();
    assertTrue(dry.contains("Would remove"), dry);
    assertEquals(measured, duSb(s), 2_000_000, "a dry run deletes nothing");

    String pruned = strata(s, "cache", "prune", "--keep-storage", "100MB").ok().out();
    long after = duSb(s);
    assertTrue(after < 100_000_000L, after + " bytes left: " + pruned);
    dev.strata.validate.ImageValidator.assertValid(s, "keep");
    // the named image's steps still hit; a new build works
    Path st = dir.resolve("st.json");
    strata(
            s,
            "build",
            "-t",
            "keep",
            "--build-arg",
            "N=0",
            "--stats-json",
            st.toString(),
            ctx.toString())
        .ok();
    assertEquals(1.0, json(st).get("hitRate").asDouble());
    strata(s, "build", "-t", "new", "--build-arg", "N=4", ctx.toString()).ok();
    System.out.println(du + "\n" + dry + pruned + "after: " + after);

    // gc.keepStorage: after each build, the store is brought under it
    strata(s, "cache", "config", "gc.keepStorage", "70MB").ok();
    strata(s, "rmi", "new").ok();
    StrataProcess.Result gc =
        strata(s, "build", "-t", "new", "--build-arg", "N=5", ctx.toString()).ok();
    assertTrue(gc.err().contains("gc.keepStorage 70MB"), gc.err());
    // what images hold stays; the cache-only layer of N=4 went
    JsonNode left = Json.parse(strata(s, "cache", "du", "--json").ok().out().getBytes());
    assertTrue(left.get("bytes").get("cache").asLong() < 1_000_000L, left.toString());
    dev.strata.validate.ImageValidator.assertValid(s, "keep");
  }
}
