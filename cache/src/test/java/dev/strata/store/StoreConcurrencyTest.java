package dev.strata.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.buildcache.CacheKey;
import dev.strata.buildcache.CacheRecord;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real processes on one store: a killed writer, and two writers at once. */
class StoreConcurrencyTest {
  @TempDir Path dir;

  @Test
  void killedWriteLeavesNoPartialBlobAndIsSweptAtNextOpen() throws Exception {
    Path store = dir.resolve("store");
    Path half = dir.resolve("half");
    Process p =
        ChildJvm.start(
            SlowBlobWriter.class, dir.resolve("child.log"), store.toString(), half.toString());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(half)) {
      assertTrue(p.isAlive(), "writer died early: " + Files.readString(dir.resolve("child.log")));
      assertTrue(System.nanoTime() < deadline, "writer never got half-way");
      Thread.sleep(20);
    }
    // 8 MiB are on disk in the writer's tmp dir; kill -9, as a crash or OOM killer would.
    p.destroyForcibly().waitFor();
    try (Stream<Path> blobs = Files.list(store.resolve("blobs/sha256"))) {
      assertEquals(0, blobs.count(), "a partial blob is visible");
    }
    try (Stream<Path> tmp = Files.list(store.resolve("tmp"))) {
      assertTrue(
          tmp.anyMatch(Files::isDirectory), "the dead writer's tmp dir should still be there");
    }
    try (Store s = Store.open(store)) {
      try (Stream<Path> tmp = Files.list(store.resolve("tmp"))) {
        List<Path> left = tmp.filter(Files::isDirectory).collect(Collectors.toList());
        assertEquals(List.of(s.tmp()), left, "only the new session's dir may remain");
      }
    }
  }

  @Test
  void twoProcessesNamingImagesAtOnceLoseNothing() throws Exception {
    Path store = dir.resolve("store");
    Store.open(store).close();
    int n = 40;
    Process a =
        ChildJvm.start(StoreNamer.class, dir.resolve("a.log"), store.toString(), "alpha", "" + n);
    Process b =
        ChildJvm.start(StoreNamer.class, dir.resolve("b.log"), store.toString(), "beta", "" + n);
    assertTrue(a.waitFor(120, TimeUnit.SECONDS) && b.waitFor(120, TimeUnit.SECONDS), "namers hung");
    assertEquals(0, a.exitValue(), Files.readString(dir.resolve("a.log")));
    assertEquals(0, b.exitValue(), Files.readString(dir.resolve("b.log")));
    try (Store s = Store.open(store)) {
      Set<String> names = new HashSet<>();
      for (Descriptor d : s.entries()) {
        assertTrue(names.add(d.refName()), "name listed twice: " + d.refName());
      }
      for (int i = 0; i < n; i++) {
        assertTrue(names.contains("alpha-" + i + ":latest"), "lost alpha-" + i);
        assertTrue(names.contains("beta-" + i + ":latest"), "lost beta-" + i);
      }
      assertTrue(names.contains("shared:latest"));
      assertEquals(2 * n + 1, names.size());
      // every named image reads back whole and verified
      s.images().forEach(img -> assertFalse(img.manifest().layers().isEmpty()));
    }
  }

  @Test
  void pruneKeepsWhatNamesReachAndDeletesTheRest() throws Exception {
    try (Store s = Store.open(dir)) {
      Descriptor kept = StoreNamer.image(s, "kept");
      s.tag(kept, "kept");
      Descriptor gone = StoreNamer.image(s, "gone");
      s.tag(gone, "gone");
      assertEquals(List.of("gone:latest"), s.untag("gone"));
      Store.PruneResult<Void> r = s.prune(Set.of());
      assertEquals(3, r.removed().size(), "manifest, config and layer of 'gone'");
      assertTrue(r.removed().contains(gone.digest()));
      assertFalse(s.blobs().has(gone.digest()));
      assertEquals(3, s.blobs().list().size());
      assertEquals("kept:latest", s.image("kept").name());
      assertEquals(0, s.prune(Set.of()).removed().size());
    }
  }

  @Test
  void pruneKeepsTheLayersBuildCacheRecordsPointTo() throws Exception {
    try (Store s = Store.open(dir)) {
      Digest cached = s.blobs().writeBytes("a builder stage's layer".getBytes(UTF_8));
      Digest stray = s.blobs().writeBytes("nothing points here".getBytes(UTF_8));
      CacheKey key = CacheKey.scratch().child("RUN make", Map.of());
      s.withIndex(
          idx -> {
            idx.putCacheRecord(
                key,
                new CacheRecord(
                    Digest.sha256(new byte[] {1}),
                    cached,
                    "application/vnd.oci.image.layer.v1.tar+zstd",
                    23,
                    30,
                    "RUN make",
                    Map.of()));
            return null;
          });
      Store.PruneResult<Void> r = s.prune(Set.of());
      assertEquals(List.of(stray), r.removed());
      assertTrue(s.blobs().has(cached), "a cache hit would lose its layer");
    }
  }

  @Test
  void imagesAreFoundByNameIdPrefixAndDigest() throws Exception {
    try (Store s = Store.open(dir)) {
      Descriptor md = StoreNamer.image(s, "x");
      s.tag(md, "docker.io/library/thing:1");
      StoredImage byName = s.image("thing:1");
      assertEquals("thing:1", byName.name());
      assertEquals(md.digest(), s.image(byName.id().toString()).digest());
      assertEquals(md.digest(), s.image(byName.id().hex().substring(0, 12)).digest());
      assertEquals(md.digest(), s.image(md.digest().toString()).digest());
      ImageNotFoundException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              ImageNotFoundException.class, () -> s.image("thing:2"));
      assertTrue(e.getMessage().contains("thing:2"));
    }
  }
}
