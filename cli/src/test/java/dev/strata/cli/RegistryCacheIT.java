package dev.strata.cli;

import static dev.strata.cli.StrataProcess.strata;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.oci.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 end to end: the build cache in a real docker-registry on 127.0.0.1 shared by two stores
 * that stand for two CI runners, and a cache bundle carried to a third store across an air gap.
 * examples/hello is built cold once (on runner A) for the class.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistryCacheIT {
  private static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();
  private static final Pattern BLOB_GET =
      Pattern.compile("\"GET /v2/\\S+/blobs/(sha256:[0-9a-f]{64})");

  @TempDir static Path dir;
  static DockerRegistry registry;
  static Path a;
  static Path ctxA;
  static String ref;
  static JsonNode builtOnA;

  @BeforeAll
  static void runnerABuildsHelloAndPushesItsCache() throws Exception {
    registry = DockerRegistry.start(dir.resolve("registry"), null, true);
    ref = registry.host() + "/cache/hello:main";
    a = golangStore("a");
    ctxA = copyExample("hello", "ctx-a");
    builtOnA =
        build(a, ctxA, "hello", "--cache-to", "type=registry,ref=" + ref + ",mode=max").stats();
  }

  @AfterAll
  static void stop() throws Exception {
    if (registry != null) {
      registry.close();
    }
    StrataProcess.removeContents(dir);
  }

  /**
   * A runner's store holding only the base (the same digest in every store, as a pull by digest
   * gives).
   */
  private static Path golangStore(String name) throws Exception {
    return StrataProcess.storeWith(dir.resolve(name), "golang.tar", "golang:1.19");
  }

  private static Path copyExample(String example, String name) throws Exception {
    Path to = dir.resolve(name);
    Path from = EXAMPLES.resolve(example);
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
    return to;
  }

  private record Built(StrataProcess.Result result, JsonNode stats) {}

  /** A build with SOURCE_DATE_EPOCH set (two stores make the same image) that must succeed. */
  private static Built build(Path store, Path ctx, String name, String... extra) throws Exception {
    StrataProcess.Result r = buildResult(store, ctx, name, extra).ok();
    return new Built(r, Json.parse(Files.readAllBytes(dir.resolve("stats-" + name + ".json"))));
  }

  private static StrataProcess.Result buildResult(
      Path store, Path ctx, String name, String... extra) throws Exception {
    Path stats = dir.resolve("stats-" + name + ".json");
    Files.deleteIfExists(stats);
    return StrataProcess.buildWithStats(store, ctx, name, stats, extra);
  }

  /** Per step: hit, miss, or - (a step that is not cached: FROM, ENV, ...). */
  private static List<String> caches(JsonNode stats) {
    List<String> l = new ArrayList<>();
    stats.get("steps").forEach(s -> l.add(s.get("cache").isNull() ? "-" : s.get("cache").asText()));
    return l;
  }

  /** The registry log from here on: what a build asked for. */
  private static long logMark() throws Exception {
    return Files.size(registry.log());
  }

  private static String logSince(long mark) throws Exception {
    byte[] all = Files.readAllBytes(registry.log());
    return new String(all, (int) mark, all.length - (int) mark, StandardCharsets.UTF_8);
  }

  private static List<String> blobGets(String log) {
    List<String> out = new ArrayList<>();
    Matcher m = BLOB_GET.matcher(log);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  private static JsonNode registryJson(String path, String accept) throws Exception {
    HttpResponse<byte[]> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://" + registry.host() + path))
                    .header("Accept", accept)
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, r.statusCode(), path);
    return Json.parse(r.body());
  }

  /** The cache manifest under {@code repo:tag} in the registry. */
  private static JsonNode cacheManifest(String repo, String tag) throws Exception {
    return registryJson(
        "/v2/" + repo + "/manifests/" + tag, "application/vnd.oci.image.manifest.v1+json");
  }

  private static List<String> layerDigests(JsonNode manifest) {
    List<String> l = new ArrayList<>();
    manifest.get("layers").forEach(d -> l.add(d.get("digest").asText()));
    return l;
  }

  private static List<String> imageLayers(Path store, String name) throws Exception {
    return layerDigests(
        Json.parse(strata(store, "inspect", name).ok().out().getBytes(StandardCharsets.UTF_8))
            .get("manifest"));
  }

  @Test
  @Order(1)
  void runnerBHitsEveryStepFromTheRegistryAndDownloadsNoBuilderLayer() throws Exception {
    JsonNode manifest = cacheManifest("cache/hello", "main");
    assertEquals("application/vnd.strata.cache.v1", manifest.get("artifactType").asText());
    assertEquals(
        "application/vnd.strata.cache.config.v1+json",
        manifest.get("config").get("mediaType").asText());
    Set<String> builderLayers = new HashSet<>(layerDigests(manifest));
    List<String> finalLayers = imageLayers(a, "hello");
    assertTrue(
        builderLayers.containsAll(finalLayers),
        "mode=max holds the final image's layers: " + manifest);
    finalLayers.forEach(builderLayers::remove);
    // go.mod, go mod download, the sources, go build, useradd (two may be alike: one blob)
    assertTrue(builderLayers.size() >= 4, "the builder stage's layers: " + manifest);

    Path b = golangStore("b");
    long mark = logMark();
    Built onB =
        build(
            b, copyExample("hello", "ctx-b"), "hello", "--cache-from", "type=registry,ref=" + ref);
    assertEquals(
        List.of("-", "-", "-", "hit", "hit", "hit", "hit", "hit", "-", "hit", "hit", "-", "-", "-"),
        caches(onB.stats()),
        onB.result().err());
    assertTrue(
        onB.result().err().contains("every step cached: no namespace entered"), onB.result().err());
    assertEquals(builtOnA.get("imageDigest").asText(), onB.stats().get("imageDigest").asText());

    List<String> gets = blobGets(logSince(mark));
    for (String layer : builderLayers) {
      assertEquals(
          0,
          gets.stream().filter(layer::equals).count(),
          "B downloaded builder layer " + layer + ": " + gets);
    }
    for (String layer : finalLayers) {
      assertEquals(
          1,
          gets.stream().filter(layer::equals).count(),
          "B downloads the final image's " + layer + " once: " + gets);
    }
  }

  @Test
  @Order(2)
  void aCommentEditMissesTheSameStepsOnBothRunnersAndBsCacheToUpdatesTheRef() throws Exception {
    Path b = dir.resolve("b");
    Path ctxB = dir.resolve("ctx-b");
    String edit = "\n// edited on a CI runner\n";
    Files.writeString(ctxB.resolve("main.go"), edit, StandardOpenOption.APPEND);
    String before = cacheManifest("cache/hello", "main").toString();
    Built onB =
        build(
            b,
            ctxB,
            "hello",
            "--cache-from",
            "type=registry,ref=" + ref,
            "--cache-to",
            "type=registry,ref=" + ref + ",mode=max");
    // the sources' COPY and everything after it in the builder build again; go.mod's steps hit;
    // the final stage hits: a comment changes no byte of a binary built without a build ID
    List<String> expected =
        List.of(
            "-", "-", "-", "hit", "hit", "miss", "miss", "miss", "-", "hit", "hit", "-", "-", "-");
    assertEquals(expected, caches(onB.stats()), onB.result().err());
    assertNotEquals(
        before, cacheManifest("cache/hello", "main").toString(), "B's --cache-to replaced the ref");

    // runner A makes the same edit: its own store misses those steps, the registry has them
    Files.writeString(ctxA.resolve("main.go"), edit, StandardOpenOption.APPEND);
    Built onA = build(a, ctxA, "hello", "--cache-from", "type=registry,ref=" + ref);
    assertEquals(
        List.of("-", "-", "-", "hit", "hit", "hit", "hit", "hit", "-", "hit", "hit", "-", "-", "-"),
        caches(onA.stats()),
        onA.result().err());
    assertEquals(onB.stats().get("imageDigest").asText(), onA.stats().get("imageDigest").asText());
  }

  /** A small build on busybox: each RUN prints ran-4N, which its own text does not hold. */
  private static final String SMALL =
      """
      FROM busybox AS builder
      RUN echo ran-$((40+1)) && echo built > /built
      FROM busybox
      COPY --from=builder /built /built
      RUN echo ran-$((40+2)) && cp /built /final
      """;

  private static Path busyboxStore(String name) throws Exception {
    return StrataProcess.storeWith(dir.resolve(name), "busybox.tar", "busybox");
  }

  @Test
  @Order(3)
  void aTamperedLayerInTheRegistryIsRefusedByDigestAndTheStepBuilds() throws Exception {
    Path ctx = StrataProcess.context(dir, SMALL, Map.of());
    String tamperRef = registry.host() + "/cache/small:1";
    Path t = busyboxStore("t");
    Built honest =
        build(t, ctx, "small", "--cache-to", "type=registry,ref=" + tamperRef + ",mode=max");
    List<String> finalLayers = imageLayers(t, "small");
    String last = finalLayers.get(finalLayers.size() - 1); // the final RUN's layer
    Path data = registry.blobData(last);
    byte[] bytes = Files.readAllBytes(data);
    bytes[bytes.length / 2] ^= 0x55; // same size, other bytes: the registry serves them as they are
    Files.write(data, bytes);

    Path u = busyboxStore("u");
    Built fromTampered = build(u, ctx, "small", "--cache-from", "type=registry,ref=" + tamperRef);
    String err = fromTampered.result().err();
    List<String> refusals = err.lines().filter(l -> l.contains(last)).toList();
    assertEquals(1, refusals.size(), err);
    assertTrue(
        refusals
            .get(0)
            .matches(
                "warning: --cache-from "
                    + Pattern.quote(tamperRef)
                    + ": layer "
                    + last
                    + " hashes to sha256:[0-9a-f]{64}: refused, the build starts again without it"),
        refusals.get(0));
    assertTrue(err.contains("ran-42"), "the refused step ran: " + err);
    assertFalse(err.contains("ran-41"), "the builder's step hit: " + err);
    assertEquals(
        honest.stats().get("imageDigest").asText(),
        fromTampered.stats().get("imageDigest").asText());
  }

  @Test
  @Order(4)
  void aMissingOrUnreachableCacheIsAWarningAndAFailedExportAnError() throws Exception {
    Path ctx = StrataProcess.context(dir, SMALL, Map.of());
    Path v = busyboxStore("v");
    String missing = registry.host() + "/cache/none:x";
    StrataProcess.Result r =
        buildResult(v, ctx, "small", "--cache-from", "type=registry,ref=" + missing).ok();
    List<String> warned =
        r.err()
            .lines()
            .filter(l -> l.startsWith("warning: --cache-from " + missing + ": "))
            .toList();
    assertEquals(1, warned.size(), r.err());
    assertTrue(
        warned.get(0).contains("404") && warned.get(0).endsWith(": not used"), warned.get(0));

    // nobody listens on port 1: the cause is named, the build goes on
    StrataProcess.Result gone =
        buildResult(v, ctx, "small", "--cache-from", "type=registry,ref=127.0.0.1:1/c:x");
    assertTrue(
        gone.err().contains("warning: --cache-from 127.0.0.1:1/c:x: ")
            && gone.err().contains("connection refused"),
        gone.err());
    assertEquals(0, gone.exit(), gone.err());

    // --offline: the registry is not asked at all
    long mark = logMark();
    StrataProcess.Result off =
        buildResult(v, ctx, "small", "--offline", "--cache-from", "type=registry,ref=" + ref).ok();
    assertTrue(
        off.err()
            .contains(
                "warning: --cache-from "
                    + ref
                    + ": not used: Strata is offline (--offline); nothing was fetched"),
        off.err());
    assertEquals("", logSince(mark).strip(), "an offline build made requests");

    // the image pushed to another repository of the registry: its layers are mounted, not sent
    // again
    strata(v, "tag", "small", registry.host() + "/app/small:1").ok();
    strata(v, "push", "--compression", "zstd", registry.host() + "/app/small:1").ok();
    List<String> shared = imageLayers(v, "small");
    mark = logMark();
    StrataProcess.Result mounted =
        buildResult(
                v,
                ctx,
                "small",
                "--cache-to",
                "type=registry,ref=" + registry.host() + "/cache/small-min:1")
            .ok();
    assertTrue(
        mounted
            .err()
            .contains(
                "--> cache: 2 records exported to "
                    + registry.host()
                    + "/cache/small-min:1 (2 layers: 0 uploaded, 2 mounted, 0 there already)"),
        mounted.err());
    String pushLog = logSince(mark);
    for (String layer : shared.subList(1, shared.size())) { // the busybox layer is no record's
      assertTrue(
          pushLog.contains(
              "\"POST /v2/cache/small-min/blobs/uploads/?mount="
                  + layer.replace(":", "%3A")
                  + "&from=app%2Fsmall "),
          layer + " mounted: " + pushLog);
      assertFalse(
          pushLog.contains("PUT /v2/cache/small-min/blobs/uploads/")
              && pushLog.contains("digest=" + layer.replace(":", "%3A")),
          layer + " sent again: " + pushLog);
    }

    // a failed export is the build's error naming the ref and the status; the image is stored
    try (DockerRegistry locked =
        DockerRegistry.start(dir.resolve("locked"), new String[] {"alice", "s3cret-pw"})) {
      String lockedRef = locked.host() + "/cache/small:1";
      StrataProcess.Result bad =
          buildResult(v, ctx, "other", "--cache-to", "type=registry,ref=" + lockedRef);
      assertNotEquals(0, bad.exit(), bad.err());
      String error =
          bad.err().lines().filter(l -> l.startsWith("Error: ")).findFirst().orElse(bad.err());
      assertTrue(error.startsWith("Error: --cache-to " + lockedRef + ": "), error);
      assertTrue(error.contains("answered 401"), error);
    }
    strata(v, "inspect", "other").ok();
  }

  @Test
  @Order(5)
  void airGapBundleCarriesTheGoBuildCacheAndAnEditRecompilesFromIt() throws Exception {
    registry.close(); // from here no registry runs
    Path ctx = copyExample("go-cache", "ctx-go");
    Built cold = build(a, ctx, "go-cache");
    Path bundle = dir.resolve("bundle");
    StrataProcess.Result exported =
        strata(a, "cache", "export", "--cache-mounts", bundle.toString(), "go-cache").ok();
    // only go-cache's build: its RUN and its final COPY, not the hello builds the store holds too
    assertEquals(
        "Exported 2 cache records, 2 layers, 1 cache mounts to " + bundle, exported.out().strip());
    StrataProcess.Result notBuilt =
        strata(a, "cache", "export", dir.resolve("nothing").toString(), "golang:1.19");
    assertEquals(1, notBuilt.exit(), notBuilt.err());
    assertTrue(
        notBuilt
            .err()
            .strip()
            .startsWith(
                "Error: cache export "
                    + dir.resolve("nothing")
                    + ": image golang:1.19 was not built in this store"),
        notBuilt.err());

    Path c = golangStore("c");
    strata(c, "cache", "import", bundle.toString()).ok();
    Path mounts = c.resolve("cache-mounts");
    int imported = countFiles(mounts);
    assertTrue(imported > 50, "the Go build cache came along: " + imported + " files");
    Built hit = build(c, copyExample("go-cache", "ctx-c"), "go-cache", "--offline");
    assertTrue(
        caches(hit.stats()).stream().noneMatch("miss"::equals), caches(hit.stats()).toString());
    assertEquals(cold.stats().get("imageDigest").asText(), hit.stats().get("imageDigest").asText());

    // a code edit: the RUN compiles again, and only the edited package (a handful of new cache
    // entries: its compile and the link) while every standard package comes from the cache
    Files.writeString(
        dir.resolve("ctx-c/main.go"),
        "\n// edited behind the air gap\n",
        StandardOpenOption.APPEND);
    Built edited = build(c, dir.resolve("ctx-c"), "go-cache", "--offline");
    assertTrue(caches(edited.stats()).contains("miss"), caches(edited.stats()).toString());
    int added = countFiles(mounts) - imported;
    assertTrue(
        added > 0 && added < imported / 10,
        "the edit added "
            + added
            + " Go cache entries to the "
            + imported
            + " imported (a cold compile adds them all)");
  }

  private static int countFiles(Path root) throws Exception {
    try (Stream<Path> s = Files.walk(root)) {
      return (int) s.filter(Files::isRegularFile).count();
    }
  }
}
