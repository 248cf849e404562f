package dev.strata.buildcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.strata.oci.Digest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheKeyTest {
  private static final CacheKey BASE = CacheKey.base(Digest.sha256(new byte[] {1}));

  @Test
  void sameInputsSameKeyWhateverTheMapOrder() {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("env", "A=1");
    a.put("user", "");
    Map<String, String> b = new LinkedHashMap<>();
    b.put("user", "");
    b.put("env", "A=1");
    assertEquals(BASE.child("RUN x", a), BASE.child("RUN x", b));
  }

  @Test
  void everyPartChangesTheKey() {
    CacheKey k = BASE.child("RUN x", Map.of("env", "A=1"));
    assertNotEquals(k, BASE.child("RUN y", Map.of("env", "A=1")), "instruction");
    assertNotEquals(k, BASE.child("RUN x", Map.of("env", "A=2")), "input value");
    assertNotEquals(k, BASE.child("RUN x", Map.of("envx", "A=1")), "input name");
    assertNotEquals(k, CacheKey.scratch().child("RUN x", Map.of("env", "A=1")), "parent");
    assertNotEquals(k, k.child("RUN x", Map.of("env", "A=1")), "depth");
  }

  @Test
  void encodingIsUnambiguous() {
    // without lengths, these two would hash the same text
    assertNotEquals(
        BASE.child("a", Map.of("x", "1\ninput y 1 2")),
        BASE.child("a", Map.of("x", "1", "y", "2")));
    assertNotEquals(BASE.child("a\n", Map.of()), BASE.child("a", Map.of("", "")));
  }

  @Test
  void encodingIsTheDocumentedOne() {
    // Golden values, reproducible with sha256sum from the encoding in CacheKey's Javadoc:
    //   printf 'strata-cache-key/v1\nparent scratch\ninstruction 0 \n' | sha256sum
    // A changed encoding would silently miss every record written before: bump VERSION then.
    assertEquals(
        "sha256:71e7973f6cf9d54f0e526aa865c46d280c5eda23632f607b6c374134b7ee900a",
        CacheKey.scratch().toString());
    assertEquals(
        "sha256:d4949c9991a8489d6291e4ac9b5354f0660c4c8a80fa33a94d1394dfe1a3ddb6",
        CacheKey.scratch().child("RUN x", Map.of("env", "A=1")).toString());
  }

  @Test
  void linkedKeyIgnoresTheParentButNotTheInstructionOrInputs() {
    CacheKey a = CacheKey.linked("COPY x", Map.of("files", "sha256:1"));
    assertEquals(a, CacheKey.linked("COPY x", Map.of("files", "sha256:1")));
    assertNotEquals(a, CacheKey.linked("COPY y", Map.of("files", "sha256:1")), "instruction");
    assertNotEquals(a, CacheKey.linked("COPY x", Map.of("files", "sha256:2")), "input");
    // never the key of a chained step, whatever its parent
    assertNotEquals(a, BASE.child("COPY x", Map.of("files", "sha256:1")));
    assertNotEquals(a, CacheKey.scratch().child("COPY x", Map.of("files", "sha256:1")));
  }

  @Test
  void linkedEncodingIsTheDocumentedOne() {
    //   printf 'strata-cache-key/v1\nparent linked\ninstruction 0 \n' | sha256sum
    //   printf 'strata-cache-key/v1\nparent linked\ninstruction 6 COPY x\ninput files 7 sha256:\n'
    // | sha256sum
    assertEquals(
        "sha256:f246d54de8692d826860f5d0c05b57cc82b306c49e05ed4e8c18b33107faf47a",
        CacheKey.linked("", Map.of()).toString());
    assertEquals(
        "sha256:e8e29ac5fc9fc8ec17cb6e34899922580562c5d333fd2303a1d3552d848fc3c9",
        CacheKey.linked("COPY x", Map.of("files", "sha256:")).toString());
  }

  @Test
  void recordRoundTrip() {
    CacheRecord r =
        new CacheRecord(
            Digest.sha256(new byte[] {2}),
            Digest.sha256(new byte[] {3}),
            "application/vnd.oci.image.layer.v1.tar+zstd",
            10,
            20,
            "RUN x",
            Map.of("env", "A=1", "files", "sha256:..."));
    assertEquals(r, CacheRecord.decode(r.encode()));
    CacheRecord empty = new CacheRecord(null, null, null, 0, 0, "RUN true", Map.of());
    assertEquals(empty, CacheRecord.decode(empty.encode()));
    // the step's time survives to nanoseconds (a hit's history shows it)
    java.time.Instant t = java.time.Instant.parse("2026-12-01T21:22:01.516108661Z");
    CacheRecord timed = new CacheRecord(null, null, null, 0, 0, "RUN true", Map.of(), t);
    assertEquals(t, CacheRecord.decode(timed.encode()).created());
    // records written before the time was kept decode with none
    assertEquals(
        null,
        CacheRecord.decode(
                "{\"createdBy\":\"RUN true\",\"inputs\":{}}"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8))
            .created());
  }
}
