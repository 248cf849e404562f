package dev.strata.remotecache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.buildcache.CacheKey;
import dev.strata.buildcache.CacheRecord;
import dev.strata.codec.Compression;
import dev.strata.oci.Digest;
import dev.strata.oci.MediaType;
import dev.strata.store.Store;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bundle's records are taken only when they are what they say; blobs move only on fetch. */
class ImportedCacheTest {
  private static final Map<String, String> INPUTS = Map.of("env", "A=1");
  private static final CacheKey KEY = CacheKey.scratch().child("RUN a", INPUTS);

  @TempDir Path dir;

  private record Bundle(Path dir, CacheRecord record) {}

  /** {@link #bundle} in an emptied {@code dir}, its blob's last byte flipped when asked. */
  private Bundle freshBundle(byte[] tar, Digest diffId, boolean flipBlob) throws Exception {
    clear(dir);
    Bundle b = bundle(tar, diffId);
    if (flipBlob) {
      Path p = LocalCacheDir.blob(b.dir(), b.record().blob());
      byte[] bytes = Files.readAllBytes(p);
      bytes[bytes.length - 1] ^= 0x01;
      Files.write(p, bytes);
    }
    return b;
  }

  /**
   * A bundle in {@code dir/bundle} of one record whose zstd layer holds {@code tar}; {@code diffId}
   * overrides.
   */
  private Bundle bundle(byte[] tar, Digest diffId) throws Exception {
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    try (OutputStream out = Compression.ZSTD.compress(z)) {
      out.write(tar);
    }
    byte[] blob = z.toByteArray();
    try (Store a = Store.open(dir.resolve("a"))) {
      Digest d = a.blobs().writeBytes(blob);
      CacheRecord r =
          new CacheRecord(
              diffId != null ? diffId : Digest.sha256(tar),
              d,
              MediaType.OCI_LAYER_ZSTD,
              blob.length,
              tar.length,
              "RUN a",
              INPUTS);
      Path b = dir.resolve("bundle");
      LocalCacheDir.write(b, Map.of(KEY, r), Map.of("sha256:fact", "v"), a.blobs(), List.of());
      return new Bundle(b, r);
    }
  }

  @Test
  void verifiedHitMovesItsBlobOnlyOnFetch() throws Exception {
    Bundle b = bundle("layer tar".getBytes(StandardCharsets.UTF_8), null);
    List<String> warnings = new ArrayList<>();
    try (Store s = Store.open(dir.resolve("b"))) {
      ImportedCache c = ImportedCache.open(List.of(b.dir()), warnings::add);
      assertEquals(b.record(), c.lookup(KEY, INPUTS));
      assertEquals("v", c.fact("sha256:fact"));
      assertFalse(s.blobs().has(b.record().blob()), "a lookup copies nothing");
      c.fetch(s, b.record().blob());
      assertTrue(s.blobs().has(b.record().blob()));
      assertNull(c.lookup(CacheKey.scratch(), INPUTS), "a key the bundle lacks");
    }
    assertEquals(List.of(), warnings);
  }

  /** Each way a bundle can lie, and the words its one warning must hold. */
  @Test
  void refusals() throws Exception {
    byte[] tar = "layer tar".getBytes(StandardCharsets.UTF_8);
    record Row(
        String name, Digest diffId, boolean flipBlob, Map<String, String> asked, String says) {}
    Digest otherDiff = Digest.sha256("other".getBytes(StandardCharsets.UTF_8));
    List<Row> rows =
        List.of(
            new Row("blob bytes changed", null, true, INPUTS, "hashes to sha256:"),
            new Row(
                "record names another diffID",
                otherDiff,
                false,
                INPUTS,
                "unpacks to " + Digest.sha256(tar)),
            new Row(
                "record holds other inputs than the build computed",
                null,
                false,
                Map.of("env", "A=2"),
                "does not hold the inputs"));
    for (Row row : rows) {
      Bundle b = freshBundle(tar, row.diffId(), row.flipBlob());
      List<String> warnings = new ArrayList<>();
      try (Store s = Store.open(dir.resolve("b"))) {
        ImportedCache c = ImportedCache.open(List.of(b.dir()), warnings::add);
        assertNull(c.lookup(KEY, row.asked()), row.name());
        assertNull(c.lookup(KEY, row.asked()), row.name() + ": asked again");
        c.fetch(s, b.record().blob());
        assertFalse(
            s.blobs().has(b.record().blob()), row.name() + ": a refused blob is never copied");
      }
      assertEquals(1, warnings.size(), row.name() + ": " + warnings);
      String w = warnings.get(0);
      assertTrue(w.contains(row.says()) && w.contains("refused"), row.name() + ": " + w);
      assertTrue(
          w.contains(row.asked().equals(INPUTS) ? b.record().blob().toString() : KEY.toString()),
          row.name() + ": " + w);
    }
  }

  /**
   * A cache whose blobs are checked as they are fetched (a registry's): the lookup reads no blob,
   * and a fetch that finds a lie publishes nothing, warns once naming the digest and throws {@link
   * ImportedCache.Refused}; the record is gone for the build's next attempt.
   */
  @Test
  void fetchTimeRefusals() throws Exception {
    byte[] tar = "layer tar".getBytes(StandardCharsets.UTF_8);
    record Row(String name, Digest diffId, boolean flipBlob, String says) {}
    List<Row> rows =
        List.of(
            new Row("honest", null, false, null),
            new Row("blob bytes changed", null, true, "hashes to sha256:"),
            new Row(
                "record names another diffID",
                Digest.sha256("other".getBytes(StandardCharsets.UTF_8)),
                false,
                "unpacks to " + Digest.sha256(tar)));
    for (Row row : rows) {
      Bundle b = freshBundle(tar, row.diffId(), row.flipBlob());
      CacheSource local = LocalCacheDir.source(b.dir());
      int[] opened = {0};
      CacheSource remote =
          new CacheSource() {
            @Override
            public String shown() {
              return "127.0.0.1:5000/cache/app:main";
            }

            @Override
            public LocalCacheDir.Read read(java.util.function.Consumer<String> refused)
                throws java.io.IOException {
              return local.read(refused);
            }

            @Override
            public java.io.InputStream open(dev.strata.oci.Descriptor d)
                throws java.io.IOException {
              opened[0]++;
              return local.open(d);
            }

            @Override
            public boolean local() {
              return false;
            }
          };
      List<String> warnings = new ArrayList<>();
      try (Store s = Store.open(dir.resolve("b"))) {
        ImportedCache c = ImportedCache.openSources(List.of(remote), warnings::add, false);
        assertEquals(b.record(), c.lookup(KEY, INPUTS), row.name());
        assertEquals(0, opened[0], row.name() + ": a lookup reads no blob");
        if (row.says() == null) {
          c.fetch(s, b.record().blob());
          assertTrue(s.blobs().has(b.record().blob()), row.name());
          assertEquals(List.of(), warnings, row.name());
          continue;
        }
        assertThrows(ImportedCache.Refused.class, () -> c.fetch(s, b.record().blob()), row.name());
        assertFalse(
            s.blobs().has(b.record().blob()), row.name() + ": a refused blob is never published");
        assertNull(c.lookup(KEY, INPUTS), row.name() + ": the next attempt builds the step");
      }
      assertEquals(1, warnings.size(), row.name() + ": " + warnings);
      String w = warnings.get(0);
      assertTrue(
          w.startsWith(
                  "--cache-from 127.0.0.1:5000/cache/app:main: layer "
                      + b.record().blob()
                      + " "
                      + row.says())
              && w.endsWith(": refused, the build starts again without it"),
          row.name() + ": " + w);
    }
  }

  /** Empties the test's directory between rows. */
  private static void clear(Path dir) throws Exception {
    try (var w = Files.walk(dir)) {
      w.sorted(java.util.Comparator.reverseOrder())
          .filter(p -> !p.equals(dir))
          .forEach(p -> p.toFile().delete());
    }
  }
}
