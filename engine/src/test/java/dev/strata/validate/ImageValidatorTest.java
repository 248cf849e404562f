package dev.strata.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.codec.Compression;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Json;
import dev.strata.oci.MediaType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A sound image passes; each kind of corruption is reported, and all of them together. */
class ImageValidatorTest {
  @TempDir Path dir;

  /** One way to spoil the two-layer image {@link ImageWriter} writes, and what must be said. */
  enum Corruption {
    // a layer blob's bytes changed after its descriptor was written
    LAYER_BYTES(w -> w.flipLayerByte = true, "layer 1: blob hashes to"),
    // the descriptor's size disagrees with the blob
    LAYER_SIZE(w -> w.layerSizeDelta = 1, "descriptor says"),
    // a diff_id that is not the hash of the uncompressed layer
    DIFF_ID(w -> w.wrongDiffId = true, "diff_ids[0] is"),
    // one diff_id too few
    DIFF_ID_COUNT(w -> w.dropDiffId = true, "1 diff_ids for 2 layers"),
    // a gzip blob declared as zstd
    COMPRESSION(w -> w.layerType = MediaType.OCI_LAYER_ZSTD, "but the blob is gzip"),
    // a Docker layer type in an OCI manifest
    LAYER_TYPE(w -> w.layerType = MediaType.DOCKER_LAYER_GZIP, "is not a OCI layer type"),
    // a Docker config in an OCI manifest
    CONFIG_TYPE(w -> w.configType = MediaType.DOCKER_CONFIG, "config media type"),
    // history says three steps made layers, there are two
    HISTORY(w -> w.extraHistory = true, "3 history entries with a layer"),
    // the manifest changed after index.json named it
    MANIFEST_BYTES(w -> w.flipManifest = true, "manifest sha256:"),
    // the manifest's own mediaType disagrees with its descriptor's
    MANIFEST_TYPE(w -> w.manifestOwnType = MediaType.DOCKER_MANIFEST, "but its descriptor says"),
    // a layer blob deleted
    MISSING_LAYER(w -> w.deleteLayer = true, "is missing");

    final Consumer<ImageWriter> apply;
    final String expected;

    Corruption(Consumer<ImageWriter> apply, String expected) {
      this.apply = apply;
      this.expected = expected;
    }
  }

  @Test
  void soundImagePasses() throws IOException {
    new ImageWriter().write(dir);
    assertEquals(List.of(), ImageValidator.problems(dir, "img:latest"));
    assertEquals(List.of(), ImageValidator.problems(dir, "img")); // the store's name for it
    ImageValidator.assertValidLayout(dir);
  }

  @ParameterizedTest
  @EnumSource(Corruption.class)
  void eachCorruptionIsReported(Corruption c) throws IOException {
    ImageWriter w = new ImageWriter();
    c.apply.accept(w);
    w.write(dir);
    List<String> problems = ImageValidator.problems(dir, "img:latest");
    assertTrue(
        problems.stream().anyMatch(p -> p.contains(c.expected)),
        () -> "expected a problem containing \"" + c.expected + "\", got " + problems);
    AssertionError e =
        assertThrows(AssertionError.class, () -> ImageValidator.assertValid(dir, "img:latest"));
    assertTrue(e.getMessage().contains(c.expected), e.getMessage());
  }

  @Test
  void everyProblemIsReportedNotJustTheFirst() throws IOException {
    ImageWriter w = new ImageWriter();
    w.flipLayerByte = true;
    w.wrongDiffId = true;
    w.extraHistory = true;
    w.write(dir);
    List<String> problems = ImageValidator.problems(dir, "img:latest");
    for (String expected : List.of("layer 1: blob hashes to", "diff_ids[0] is", "history")) {
      assertTrue(problems.stream().anyMatch(p -> p.contains(expected)), problems.toString());
    }
  }

  @Test
  void unknownNameIsAProblem() throws IOException {
    new ImageWriter().write(dir);
    assertEquals(
        List.of(dir + "/index.json: no entry named other:latest"),
        ImageValidator.problems(dir, "other:latest"));
  }

  /** Writes an OCI layout holding one two-layer image named img:latest, spoiled as asked. */
  static final class ImageWriter {
    String layerType = MediaType.OCI_LAYER_GZIP;
    String configType = MediaType.OCI_CONFIG;
    String manifestOwnType = MediaType.OCI_MANIFEST;
    boolean flipLayerByte;
    long layerSizeDelta;
    boolean wrongDiffId;
    boolean dropDiffId;
    boolean extraHistory;
    boolean flipManifest;
    boolean deleteLayer;

    void write(Path dir) throws IOException {
      Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
      List<Descriptor> layers = new ArrayList<>();
      ArrayNode diffIds = Json.object().putArray("diff_ids");
      ArrayNode history = Json.object().putArray("history");
      for (int i = 0; i < 2; i++) {
        byte[] tar = tar("file" + i, "content " + i);
        byte[] gz = gzip(tar);
        Digest digest = put(dir, gz);
        layers.add(new Descriptor(layerType, digest, gz.length + (i == 0 ? layerSizeDelta : 0)));
        diffIds.add((wrongDiffId && i == 0 ? Digest.sha256(gz) : Digest.sha256(tar)).toString());
        history.addObject().put("created_by", "COPY file" + i + " /");
        history.addObject().put("created_by", "ENV A=" + i).put("empty_layer", true);
        if (i == 1 && flipLayerByte) {
          gz[gz.length / 2] ^= 1;
          Files.write(blob(dir, digest), gz);
        }
        if (i == 1 && deleteLayer) {
          Files.delete(blob(dir, digest));
        }
      }
      if (dropDiffId) {
        diffIds.remove(1);
      }
      if (extraHistory) {
        history.addObject().put("created_by", "RUN nothing");
      }
      ObjectNode config = Json.object();
      config.put("architecture", "amd64").put("os", "linux");
      config.putObject("rootfs").put("type", "layers").set("diff_ids", diffIds);
      config.set("history", history);
      byte[] configBytes = Json.bytes(config);
      Descriptor configDesc = new Descriptor(configType, put(dir, configBytes), configBytes.length);
      ObjectNode manifest = Json.object();
      manifest.put("schemaVersion", 2).put("mediaType", manifestOwnType);
      manifest.set("config", configDesc.toJson());
      ArrayNode ls = manifest.putArray("layers");
      layers.forEach(d -> ls.add(d.toJson()));
      byte[] manifestBytes = Json.bytes(manifest);
      Digest manifestDigest = put(dir, manifestBytes);
      if (flipManifest) {
        manifestBytes[manifestBytes.length - 2] = ' ';
        Files.write(blob(dir, manifestDigest), manifestBytes);
      }
      Descriptor entry =
          new Descriptor(MediaType.OCI_MANIFEST, manifestDigest, manifestBytes.length)
              .withAnnotation(Descriptor.REF_NAME, "img:latest");
      ObjectNode index = Json.object();
      index.put("schemaVersion", 2);
      index.putArray("manifests").add(entry.toJson());
      Files.write(dir.resolve("index.json"), Json.bytes(index));
    }

    private static Path blob(Path dir, Digest d) {
      return dir.resolve("blobs").resolve(d.algorithm()).resolve(d.hex());
    }

    private static Digest put(Path dir, byte[] bytes) throws IOException {
      Digest d = Digest.sha256(bytes);
      Files.createDirectories(blob(dir, d).getParent());
      Files.write(blob(dir, d), bytes);
      return d;
    }

    private static byte[] tar(String name, String content) throws IOException {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out, "UTF-8")) {
        byte[] b = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(b.length);
        tar.putArchiveEntry(e);
        tar.write(b);
        tar.closeArchiveEntry();
      }
      return out.toByteArray();
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (OutputStream gz = Compression.GZIP.compress(out)) {
        gz.write(bytes);
      }
      return out.toByteArray();
    }
  }
}
