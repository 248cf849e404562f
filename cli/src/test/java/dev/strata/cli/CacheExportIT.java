package dev.strata.cli;

import static dev.strata.cli.StrataProcess.strata;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.oci.Json;
import dev.strata.validate.ImageValidator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build cache outside the store: two stores stand for two CI runners, a directory for the cache
 * they share (--cache-to/--cache-from type=local) or carry across an air gap.
 */
class CacheExportIT {
  /** Each RUN prints ran-4N, which its own text ($((40+N))) does not hold: it shows it ran. */
  private static final String DOCKERFILE =
      """
      FROM busybox AS builder
      RUN echo ran-$((40+1)) && echo built > /built
      COPY app.txt /src/app.txt
      RUN echo ran-$((40+2)) && cat /src/app.txt /built > /out
      FROM busybox
      COPY note.txt /note.txt
      COPY --from=builder /out /out
      RUN echo ran-$((40+3)) && cp /out /final
      """;

  @TempDir Path dir;

  @AfterEach
  void emptyTempDir() throws Exception {
    StrataProcess.removeContents(dir);
  }

  /**
   * A runner's store with the same base image as every other's (the same digest, as a pull by
   * digest gives).
   */
  private Path newStore(String name) throws Exception {
    return StrataProcess.storeWith(dir.resolve(name), "busybox.tar", "busybox");
  }

  /** A build with SOURCE_DATE_EPOCH set, so two stores make the same image; its statistics. */
  private JsonNode build(
      Path store, Path ctx, String name, StrataProcess.Result[] out, String... extra)
      throws Exception {
    Path stats = Files.createTempFile(dir, "stats", ".json");
    out[0] = StrataProcess.buildWithStats(store, ctx, name, stats, extra).ok();
    return Json.parse(Files.readAllBytes(stats));
  }

  private static List<String> caches(JsonNode stats) {
    List<String> l = new ArrayList<>();
    stats.get("steps").forEach(s -> l.add(s.get("cache").isNull() ? "-" : s.get("cache").asText()));
    return l;
  }

  private static Set<String> blobs(Path layout) throws Exception {
    Set<String> out = new HashSet<>();
    try (Stream<Path> s = Files.list(layout.resolve("blobs/sha256"))) {
      s.forEach(p -> out.add("sha256:" + p.getFileName()));
    }
    return out;
  }

  private static JsonNode blobJson(Path layout, String digest) throws Exception {
    return Json.parse(
        Files.readAllBytes(layout.resolve("blobs/sha256").resolve(digest.substring(7))));
  }

  /** The layer digests of the manifest {@code digest} in the OCI layout {@code layout}. */
  private static List<String> layers(Path layout, String digest) throws Exception {
    List<String> l = new ArrayList<>();
    blobJson(layout, digest).get("layers").forEach(d -> l.add(d.get("digest").asText()));
    return l;
  }

  /** The cache manifest of a bundle: index.json's entry tagged latest. */
  private static String cacheManifest(Path bundle) throws Exception {
    for (JsonNode m :
        Json.parse(Files.readAllBytes(bundle.resolve("index.json"))).get("manifests")) {
      if (m.path("annotations")
          .path("org.opencontainers.image.ref.name")
          .asText()
          .equals("latest")) {
        return m.get("digest").asText();
      }
    }
    throw new AssertionError("no manifest tagged latest in " + bundle);
  }

  @Test
  void secondRunnerHitsEveryStepFromTheBundleAndCopiesOnlyTheFinalImage() throws Exception {
    Path ctx =
        StrataProcess.context(dir, DOCKERFILE, Map.of("app.txt", "v1\n", "note.txt", "note\n"));
    Path bundle = dir.resolve("bundle");
    StrataProcess.Result[] out = new StrataProcess.Result[1];
    Path a = newStore("a");
    // a CI job's first run: the cache it reads is not there yet, a warning, as BuildKit's
    JsonNode onA =
        build(
            a,
            ctx,
            "app",
            out,
            "--cache-from",
            "type=local,src=" + bundle,
            "--cache-to",
            "type=local,dest=" + bundle + ",mode=max");
    assertEquals(List.of("-", "miss", "miss", "miss", "-", "miss", "miss", "miss"), caches(onA));
    assertTrue(
        out[0]
            .err()
            .contains(
                "--cache-from "
                    + bundle
                    + ": "
                    + bundle
                    + " is not a cache directory: no index.json: not used"),
        out[0].err());

    // the bundle is an OCI layout of Strata's cache artifact, every stage's layers in it (max)
    String cm = cacheManifest(bundle);
    JsonNode manifest = blobJson(bundle, cm);
    assertEquals("application/vnd.strata.cache.v1", manifest.get("artifactType").asText());
    assertEquals(
        "application/vnd.strata.cache.config.v1+json",
        manifest.get("config").get("mediaType").asText());
    List<String> cached = layers(bundle, cm);
    assertEquals(5, cached.size(), "one layer per RUN and COPY: " + cached);

    Path b = newStore("b");
    JsonNode onB = build(b, ctx, "app", out, "--cache-from", "type=local,src=" + bundle);
    assertEquals(List.of("-", "hit", "hit", "hit", "-", "hit", "hit", "hit"), caches(onB));
    assertFalse(out[0].err().contains("ran-4"), "no RUN ran on B:\n" + out[0].err());
    assertEquals(onA.get("imageDigest").asText(), onB.get("imageDigest").asText());
    // B copied the final image's layers and no builder layer
    List<String> finalLayers = layers(b, onB.get("imageDigest").asText());
    Set<String> onBStore = blobs(b);
    for (String l : cached) {
      assertEquals(
          finalLayers.contains(l),
          onBStore.contains(l),
          l + " copied into B only if the image has it");
    }

    // a code edit on B misses where it would on A: the builder's COPY and all that follows it
    Files.writeString(ctx.resolve("app.txt"), "v2\n");
    JsonNode editB = build(b, ctx, "app", out, "--cache-from", "type=local,src=" + bundle);
    List<String> expected = List.of("-", "hit", "miss", "miss", "-", "hit", "miss", "miss");
    assertEquals(expected, caches(editB));
    assertFalse(out[0].err().contains("ran-41"), out[0].err());
    assertTrue(out[0].err().contains("ran-42") && out[0].err().contains("ran-43"), out[0].err());
    JsonNode editA = build(a, ctx, "app", out);
    assertEquals(expected, caches(editA));
    assertEquals(editA.get("imageDigest").asText(), editB.get("imageDigest").asText());
    ImageValidator.assertValid(b, "app");
  }

  @Test
  void tamperedLayerIsRefusedByDigestAndTheStepBuilds() throws Exception {
    Path ctx =
        StrataProcess.context(dir, DOCKERFILE, Map.of("app.txt", "v1\n", "note.txt", "note\n"));
    Path bundle = dir.resolve("bundle");
    StrataProcess.Result[] out = new StrataProcess.Result[1];
    JsonNode onA = build(newStore("a"), ctx, "app", out, "--cache-to", "type=local,dest=" + bundle);
    // mode=min: the final stage's records only
    assertEquals(3, layers(bundle, cacheManifest(bundle)).size());

    // the last RUN's layer gets other bytes of the same size
    List<String> finalLayers = layers(dir.resolve("a"), onA.get("imageDigest").asText());
    String last = finalLayers.get(finalLayers.size() - 1);
    Path blob = bundle.resolve("blobs/sha256").resolve(last.substring(7));
    byte[] bytes = Files.readAllBytes(blob);
    bytes[bytes.length / 2] ^= 0x5a;
    Files.write(blob, bytes);

    JsonNode onC =
        build(newStore("c"), ctx, "app", out, "--cache-from", "type=local,src=" + bundle);
    List<String> refusals = out[0].err().lines().filter(l -> l.contains("refused")).toList();
    assertEquals(1, refusals.size(), out[0].err());
    assertTrue(refusals.get(0).contains("layer " + last + " hashes to sha256:"), refusals.get(0));
    // the builder stage was not exported (min): it builds; the final stage hits but its last RUN
    assertEquals(List.of("-", "miss", "miss", "miss", "-", "hit", "hit", "miss"), caches(onC));
    assertTrue(out[0].err().contains("ran-43"), out[0].err());
    assertEquals(onA.get("imageDigest").asText(), onC.get("imageDigest").asText());
    ImageValidator.assertValid(dir.resolve("c"), "app");
  }

  @Test
  void wholeStoreCacheCrossesTheAirGapAsADirectory() throws Exception {
    Path ctx =
        StrataProcess.context(dir, DOCKERFILE, Map.of("app.txt", "v1\n", "note.txt", "note\n"));
    StrataProcess.Result[] out = new StrataProcess.Result[1];
    Path a = newStore("a");
    JsonNode onA = build(a, ctx, "app", out);
    Path bundle = dir.resolve("carried");
    StrataProcess.Result exported = strata(a, "cache", "export", bundle.toString()).ok();
    assertEquals("Exported 6 cache records, 5 layers to " + bundle, exported.out().strip());

    // one layer's bytes changed on the way: that record is refused by digest, the rest imported
    String cm = cacheManifest(bundle);
    List<String> cached = layers(bundle, cm);
    String bad = layers(a, onA.get("imageDigest").asText()).get(3); // the final RUN's layer
    assertTrue(cached.contains(bad));
    Path blob = bundle.resolve("blobs/sha256").resolve(bad.substring(7));
    byte[] bytes = Files.readAllBytes(blob);
    bytes[bytes.length / 2] ^= 0x5a;
    Files.write(blob, bytes);

    Path c = newStore("c");
    StrataProcess.Result imported = strata(c, "cache", "import", bundle.toString()).ok();
    assertEquals(
        "Imported 5 cache records, 4 layers from " + bundle + " (1 refused)",
        imported.out().strip());
    List<String> warnings = imported.err().lines().filter(l -> !l.isBlank()).toList();
    assertEquals(1, warnings.size(), imported.err());
    assertTrue(
        warnings.get(0).startsWith("Warning: ")
            && warnings.get(0).contains("layer " + bad + " hashes to sha256:"),
        warnings.get(0));

    JsonNode onC = build(c, ctx, "app", out);
    assertEquals(List.of("-", "hit", "hit", "hit", "-", "hit", "hit", "miss"), caches(onC));
    assertFalse(out[0].err().contains("ran-41") || out[0].err().contains("ran-42"), out[0].err());
    assertTrue(out[0].err().contains("ran-43"), out[0].err());
    assertEquals(onA.get("imageDigest").asText(), onC.get("imageDigest").asText());
    ImageValidator.assertValid(c, "app");
  }

  @Test
  void cacheMountContentsTravelOnRequestWithinTheCap() throws Exception {
    Path ctx =
        StrataProcess.context(
            dir,
            """
        FROM busybox
        ARG V=1
        RUN --mount=type=cache,target=/cache,id=gocache echo "v$V" >> /cache/log && cat /cache/log > /seen
        """,
            Map.of());
    StrataProcess.Result[] out = new StrataProcess.Result[1];
    Path a = newStore("a");
    build(a, ctx, "m", out);
    Path capped = dir.resolve("capped");
    StrataProcess.Result small =
        strata(a, "cache", "export", "--cache-mounts=max=1", capped.toString()).ok();
    assertEquals("Exported 1 cache records, 1 layers to " + capped, small.out().strip());
    assertTrue(small.err().contains("3 bytes would pass the cap of 1"), small.err());
    assertEquals(
        2, strata(a, "cache", "export", "--cache-mounts=max=lots", capped.toString()).exit());

    Path bundle = dir.resolve("with-mounts");
    assertEquals(
        "Exported 1 cache records, 1 layers, 1 cache mounts to " + bundle,
        strata(a, "cache", "export", "--cache-mounts", bundle.toString()).ok().out().strip());
    Path c = newStore("c");
    assertEquals(
        "Imported 1 cache records, 1 layers, 1 cache mounts from " + bundle,
        strata(c, "cache", "import", bundle.toString()).ok().out().strip());
    // the step misses (another V) and finds what A's step left in the cache mount
    JsonNode onC = build(c, ctx, "m", out, "--build-arg", "V=2");
    assertEquals(List.of("-", "-", "miss"), caches(onC));
    assertEquals("v1\nv2\n", strata(c, "run", "--rm", "m", "cat", "/seen").ok().out());
    ImageValidator.assertValid(c, "m");
  }
}
