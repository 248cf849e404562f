package dev.strata.buildcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheBundleTest {
  private static final Digest DIFF = Digest.sha256("diff".getBytes(StandardCharsets.UTF_8));
  private static final Digest BLOB = Digest.sha256("blob".getBytes(StandardCharsets.UTF_8));
  private static final CacheKey K1 = CacheKey.scratch().child("RUN a", Map.of("env", "A=1"));
  private static final CacheKey K2 = CacheKey.scratch().child("RUN b", Map.of());
  private static final CacheRecord LAYER =
      new CacheRecord(
          DIFF,
          BLOB,
          MediaType.OCI_LAYER_ZSTD,
          4,
          1024,
          "RUN a # buildkit",
          Map.of("env", "A=1"),
          Instant.ofEpochSecond(0));
  private static final CacheRecord EMPTY =
      new CacheRecord(null, null, null, 0, 0, "RUN b # buildkit", Map.of(), null);

  private static Map<CacheKey, CacheRecord> records() {
    Map<CacheKey, CacheRecord> m = new LinkedHashMap<>();
    m.put(K2, EMPTY);
    m.put(K1, LAYER);
    return m;
  }

  @Test
  void configGolden() {
    String layer =
        "{\"key\":\""
            + K1
            + "\",\"record\":{\"diffId\":\""
            + DIFF
            + "\",\"blob\":\""
            + BLOB
            + "\","
            + "\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+zstd\",\"size\":4,\"uncompressedSize\":1024,"
            + "\"createdBy\":\"RUN a # buildkit\",\"created\":\"1970-01-01T00:00:00Z\",\"inputs\":{\"env\":\"A=1\"}}}";
    String empty =
        "{\"key\":\"" + K2 + "\",\"record\":{\"createdBy\":\"RUN b # buildkit\",\"inputs\":{}}}";
    // sorted by key, whatever the map's order
    boolean k1First = K1.toString().compareTo(K2.toString()) < 0;
    String want =
        "{\"version\":1,\"records\":["
            + (k1First ? layer + "," + empty : empty + "," + layer)
            + "]}";
    assertEquals(want, new String(CacheBundle.config(records()), StandardCharsets.UTF_8));
  }

  @Test
  void manifestGolden() {
    byte[] config = CacheBundle.config(records());
    Descriptor cd = new Descriptor(CacheBundle.CONFIG_TYPE, Digest.sha256(config), config.length);
    Manifest m = CacheBundle.manifest(cd, CacheBundle.layers(records()));
    String want =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"application/vnd.strata.cache.config.v1+json\",\"digest\":\""
            + cd.digest()
            + "\",\"size\":"
            + config.length
            + "},"
            + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+zstd\",\"digest\":\""
            + BLOB
            + "\",\"size\":4}],"
            + "\"artifactType\":\"application/vnd.strata.cache.v1\"}";
    assertEquals(want, new String(m.bytes(), StandardCharsets.UTF_8));
  }

  @Test
  void readsBackWhatItWrote() {
    byte[] config = CacheBundle.config(records());
    Manifest m =
        CacheBundle.manifest(
            new Descriptor(CacheBundle.CONFIG_TYPE, Digest.sha256(config), config.length),
            CacheBundle.layers(records()));
    List<String> refused = new ArrayList<>();
    Map<CacheKey, CacheRecord> back = CacheBundle.read(m, config, refused::add).records();
    assertEquals(records(), back);
    assertEquals(List.of(), refused);
  }

  @Test
  void factsGoldenAndBack() {
    byte[] config = CacheBundle.config(Map.of(), Map.of("sha256:b", "2", "sha256:a", "1"));
    assertEquals(
        "{\"version\":1,\"records\":[],\"facts\":{\"sha256:a\":\"1\",\"sha256:b\":\"2\"}}",
        new String(config, StandardCharsets.UTF_8));
    Manifest m =
        CacheBundle.manifest(
            new Descriptor(CacheBundle.CONFIG_TYPE, Digest.sha256(config), config.length),
            List.of());
    assertEquals(
        Map.of("sha256:a", "1", "sha256:b", "2"), CacheBundle.read(m, config, s -> {}).facts());
  }

  @Test
  void recordNamingALayerTheCacheDoesNotServeIsRefusedByDigest() {
    Digest other = Digest.sha256("other".getBytes(StandardCharsets.UTF_8));
    byte[] config = CacheBundle.config(records());
    // the manifest serves another blob, or the same blob with another size
    for (Descriptor served :
        List.of(
            new Descriptor(MediaType.OCI_LAYER_ZSTD, other, 4),
            new Descriptor(MediaType.OCI_LAYER_ZSTD, BLOB, 5))) {
      Manifest m =
          CacheBundle.manifest(
              new Descriptor(CacheBundle.CONFIG_TYPE, Digest.sha256(config), config.length),
              List.of(served));
      List<String> refused = new ArrayList<>();
      Map<CacheKey, CacheRecord> back = CacheBundle.read(m, config, refused::add).records();
      assertEquals(Map.of(K2, EMPTY), back, "only the record without a layer is kept");
      assertEquals(1, refused.size());
      assertTrue(
          refused.get(0).contains(BLOB.toString()) && refused.get(0).contains(K1.toString()),
          refused.get(0));
    }
  }

  @Test
  void otherVersionsAndArtifactsAreNotRead() {
    byte[] v2 = "{\"records\":[],\"version\":2}".getBytes(StandardCharsets.UTF_8);
    Manifest m2 =
        CacheBundle.manifest(
            new Descriptor(CacheBundle.CONFIG_TYPE, Digest.sha256(v2), v2.length), List.of());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CacheBundle.read(m2, v2, s -> {}));
    assertTrue(e.getMessage().contains("version 2"), e.getMessage());
    Manifest image =
        Manifest.oci(new Descriptor(MediaType.OCI_CONFIG, Digest.sha256(v2), v2.length), List.of());
    e = assertThrows(IllegalArgumentException.class, () -> CacheBundle.read(image, v2, s -> {}));
    assertTrue(e.getMessage().contains("not a Strata cache"), e.getMessage());
  }
}
