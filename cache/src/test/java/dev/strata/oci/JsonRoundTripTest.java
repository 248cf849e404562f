package dev.strata.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Documents written by real tools (buildah, skopeo: Go's encoding/json) parse into the model and
 * come back byte for byte, so their digests survive. The golden files were made by buildah commit /
 * skopeo copy on this project's machines (see README in the directory).
 */
class JsonRoundTripTest {
  static final Path GOLDEN = Path.of("src/test/resources/oci/golden");

  @TestFactory
  Stream<DynamicTest> realDocumentsRoundTripByteForByte() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    try (Stream<Path> files = Files.walk(GOLDEN)) {
      for (Path f :
          (Iterable<Path>) files.filter(p -> p.toString().endsWith(".json")).sorted()::iterator) {
        String name = GOLDEN.relativize(f).toString();
        Function<byte[], byte[]> model =
            switch (f.getFileName().toString()) {
              case "manifest.json" -> b -> Manifest.parse(b).bytes();
              case "config.json" -> b -> ImageConfig.parse(b).bytes();
              case "index.json" -> b -> ImageIndex.parse(b).bytes();
              default -> b -> Json.bytes(Json.parse(b));
            };
        tests.add(
            DynamicTest.dynamicTest(
                name,
                () -> {
                  byte[] original = Files.readAllBytes(f);
                  assertArrayEquals(
                      original, Json.bytes(Json.parse(original)), "tree round trip of " + name);
                  assertArrayEquals(original, model.apply(original), "model round trip of " + name);
                  assertEquals(Digest.sha256(original), Digest.sha256(model.apply(original)));
                }));
      }
    }
    assertTrue(tests.size() >= 7, "golden documents missing under " + GOLDEN);
    return tests.stream();
  }

  @Test
  void goEscapingOfHtmlCharactersAndControls() {
    String in = "{\"a\":\"<b>&c\",\"n\":\"x\\u0001y\\n\",\"u\":\"é\\u2028\"}";
    String out = Json.text(Json.parse(in.getBytes(StandardCharsets.UTF_8)));
    assertEquals(
        "{\"a\":\"\\u003cb\\u003e\\u0026c\",\"n\":\"x\\u0001y\\n\",\"u\":\"é\\u2028\"}", out);
  }

  @Test
  void prettyInputBecomesCompactAndStable() {
    String pretty = "{\n  \"schemaVersion\": 2,\n  \"manifests\": [ ],\n  \"x\": 1.50\n}";
    byte[] once = Json.bytes(Json.parse(pretty.getBytes(StandardCharsets.UTF_8)));
    assertEquals(
        "{\"schemaVersion\":2,\"manifests\":[],\"x\":1.50}",
        new String(once, StandardCharsets.UTF_8));
    assertArrayEquals(once, Json.bytes(Json.parse(once)));
  }

  @Test
  void unknownFieldsSurviveAChange() {
    byte[] in =
        ("{\"created\":\"2024-01-01T00:00:00Z\",\"architecture\":\"amd64\",\"os\":\"linux\","
                + "\"x-vendor\":{\"keep\":[1,2]},\"config\":{\"Env\":[\"A=1\"],\"Weird\":true},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},\"history\":[]}")
            .getBytes(StandardCharsets.UTF_8);
    ImageConfig c = ImageConfig.parse(in).withCmd(List.of("/bin/sh"));
    String out = new String(c.bytes(), StandardCharsets.UTF_8);
    assertTrue(out.contains("\"x-vendor\":{\"keep\":[1,2]}"), out);
    assertTrue(out.contains("\"Weird\":true"), out);
    assertTrue(out.contains("\"Cmd\":[\"/bin/sh\"]"), out);
    assertFalse(ImageConfig.parse(in).bytes().length == c.bytes().length);
  }

  @Test
  void invalidDocumentsAreRefusedWithTheReason() {
    assertThrows(
        InvalidJsonException.class, () -> Json.parse("{".getBytes(StandardCharsets.UTF_8)));
    assertThrows(
        InvalidJsonException.class, () -> Json.parse("{} {}".getBytes(StandardCharsets.UTF_8)));
    InvalidJsonException e =
        assertThrows(
            InvalidJsonException.class,
            () ->
                Manifest.parse(
                    "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"layers\":[]}"
                        .getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().contains("descriptor"), e.getMessage());
    assertThrows(
        InvalidDigestException.class,
        () ->
            ImageConfig.parse(
                "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"diff_ids\":[\"sha256:12\"]}}"
                    .getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void newManifestHasTheOciShape() {
    Descriptor cfg = new Descriptor(MediaType.OCI_CONFIG, Digest.sha256(new byte[] {1}), 1);
    Descriptor layer = new Descriptor(MediaType.OCI_LAYER_ZSTD, Digest.sha256(new byte[] {2}), 2);
    Manifest m = Manifest.oci(cfg, List.of(layer));
    String s = new String(m.bytes(), StandardCharsets.UTF_8);
    assertTrue(
        s.startsWith(
            "{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"config\":{"),
        s);
    assertEquals(m.config(), Manifest.parse(m.bytes()).config());
    assertEquals(m.layers(), Manifest.parse(m.bytes()).layers());
    assertEquals(3, m.totalSize());
  }
}
