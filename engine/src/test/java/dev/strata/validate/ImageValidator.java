package dev.strata.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.codec.Compression;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Json;
import dev.strata.oci.MediaType;
import dev.strata.store.Store;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Recomputes an image from its bytes and reports every way it disagrees with what it claims
 * (go-containerregistry's {@code validate.Image}, STYLE.md "A validator that recomputes everything
 * from bytes"): the manifest's digest and size; media types of manifest, config and layers
 * consistent with each other and with each layer's actual compression; each layer blob re-hashed
 * (digest, size), then decompressed and re-hashed against the config's {@code rootfs.diff_ids}; the
 * number of history entries that made a layer. Every mismatch is collected, not just the first, so
 * one failing test shows all of what a writer got wrong.
 *
 * <p>Reads an OCI image layout (a Strata store is one) without opening the store: no index lock, no
 * RocksDB, so a test can call it after {@code bin/strata} exited.
 */
public final class ImageValidator {
  private final BlobSource blobs;
  private final List<String> problems = new ArrayList<>();

  private ImageValidator(BlobSource blobs) {
    this.blobs = blobs;
  }

  /** Where blobs come from: a layout's {@code blobs/<alg>/<hex>}, or anything else by digest. */
  @FunctionalInterface
  public interface BlobSource {
    /** The blob's bytes; throws {@link NoSuchFileException} when it is absent. */
    InputStream open(Digest digest) throws IOException;

    /** The blobs of an OCI image layout directory (a Strata store is one). */
    static BlobSource layout(Path dir) {
      return d ->
          Files.newInputStream(dir.resolve("blobs").resolve(d.algorithm()).resolve(d.hex()));
    }
  }

  /** The problems of the image {@code manifest} points at (an image manifest, not an index). */
  public static List<String> problems(Descriptor manifest, BlobSource blobs) {
    ImageValidator v = new ImageValidator(blobs);
    v.checkManifest(manifest);
    return List.copyOf(v.problems);
  }

  /**
   * The problems of the image named {@code name} in the OCI layout (or Strata store) {@code dir}:
   * the index.json entry whose ref.name is {@code name}, or {@code name:latest} when untagged, as
   * the store names it.
   */
  public static List<String> problems(Path dir, String name) {
    ImageValidator v = new ImageValidator(BlobSource.layout(dir));
    List<Descriptor> found = new ArrayList<>();
    for (Descriptor d : v.indexEntries(dir)) {
      if (name.equals(d.refName()) || Store.canonicalName(name).equals(d.refName())) {
        found.add(d);
      }
    }
    if (found.isEmpty()) {
      v.problems.add(dir + "/index.json: no entry named " + name);
    }
    found.forEach(v::checkEntry);
    return List.copyOf(v.problems);
  }

  /** The problems of every image in the OCI layout {@code dir} (index.json, and indexes below). */
  public static List<String> problems(Path dir) {
    ImageValidator v = new ImageValidator(BlobSource.layout(dir));
    List<Descriptor> entries = v.indexEntries(dir);
    if (entries.isEmpty() && v.problems.isEmpty()) {
      v.problems.add(dir + "/index.json: no manifests");
    }
    entries.forEach(v::checkEntry);
    return List.copyOf(v.problems);
  }

  /** Fails, listing every problem, unless the image {@code name} in {@code dir} is sound. */
  public static void assertValid(Path dir, String name) {
    fail("image " + name + " in " + dir, problems(dir, name));
  }

  /** Fails, listing every problem, unless every image of the OCI layout {@code dir} is sound. */
  public static void assertValidLayout(Path dir) {
    fail("OCI layout " + dir, problems(dir));
  }

  /** Fails, listing every problem, unless the image {@code manifest} points at is sound. */
  public static void assertValid(Descriptor manifest, BlobSource blobs) {
    fail("image " + manifest.digest(), problems(manifest, blobs));
  }

  /**
   * The problems of a {@code docker save} tree (an extracted docker-archive): each manifest.json
   * entry's config, and its layers (plain or compressed tars) re-hashed against the diff_ids.
   */
  static List<String> dockerSaveProblems(Path dir) {
    ImageValidator v = new ImageValidator(d -> Files.newInputStream(dir.resolve(d.hex())));
    JsonNode entries = null;
    byte[] manifest = v.read(dir.resolve("manifest.json"));
    try {
      entries = manifest == null ? null : Json.parse(manifest);
    } catch (RuntimeException e) {
      v.problems.add("manifest.json: " + e.getMessage());
    }
    if (entries == null || !entries.isArray() || entries.isEmpty()) {
      v.problems.add("manifest.json: no entries");
      return List.copyOf(v.problems);
    }
    for (JsonNode e : entries) {
      String configName = e.path("Config").asText();
      byte[] configBytes = v.read(dir.resolve(configName));
      if (configBytes == null) {
        continue;
      }
      // docker save names the config by its digest: <hex>.json, which is the image id
      Digest id = Digest.sha256(configBytes);
      if (!configName.equals(id.hex() + ".json")
          && !configName.equals("blobs/sha256/" + id.hex())) {
        v.problems.add(configName + ": config hashes to " + id + ", not the name it has");
      }
      List<Digest> diffIds = new ArrayList<>();
      for (JsonNode l : e.path("Layers")) {
        diffIds.add(v.diffIdOf(dir.resolve(l.asText())));
      }
      JsonNode config = v.parse(configBytes, configName);
      if (config != null) {
        v.checkConfig(configName, config, diffIds);
      }
    }
    return List.copyOf(v.problems);
  }

  /** The sha256 of a layer file's uncompressed bytes; null (reported) if unreadable. */
  private Digest diffIdOf(Path layer) {
    MessageDigest sha = Digest.newSha256();
    try (InputStream in =
        new DigestInputStream(Compression.decompressAny(Files.newInputStream(layer)), sha)) {
      in.transferTo(OutputStream.nullOutputStream());
      return Digest.fromSha256(sha.digest());
    } catch (IOException | UncheckedIOException e) {
      problems.add(layer + ": cannot read or decompress: " + e);
      return null;
    }
  }

  private static void fail(String what, List<String> problems) {
    if (!problems.isEmpty()) {
      throw new AssertionError(
          what + " is not valid (" + problems.size() + "):\n  " + String.join("\n  ", problems));
    }
  }

  private List<Descriptor> indexEntries(Path dir) {
    if (!Files.isRegularFile(dir.resolve("oci-layout"))) {
      problems.add(dir + ": no oci-layout file");
    } else {
      JsonNode layout = parse(read(dir.resolve("oci-layout")), "oci-layout");
      if (layout != null && !"1.0.0".equals(layout.path("imageLayoutVersion").asText())) {
        problems.add(dir + "/oci-layout: imageLayoutVersion is not 1.0.0: " + layout);
      }
    }
    JsonNode index = parse(read(dir.resolve("index.json")), "index.json");
    List<Descriptor> l = new ArrayList<>();
    if (index != null) {
      index.path("manifests").forEach(n -> l.add(Descriptor.fromJson(n)));
    }
    return l;
  }

  private void checkEntry(Descriptor d) {
    if (MediaType.isIndex(d.mediaType())) {
      byte[] bytes = blob(d, "index");
      JsonNode index = bytes == null ? null : parse(bytes, "index " + d.digest());
      if (index != null) {
        index.path("manifests").forEach(n -> checkEntry(Descriptor.fromJson(n)));
      }
    } else {
      checkManifest(d);
    }
  }

  private void checkManifest(Descriptor desc) {
    if (!MediaType.isManifest(desc.mediaType())) {
      problems.add(
          "manifest "
              + desc.digest()
              + ": descriptor media type "
              + desc.mediaType()
              + " is not an image manifest");
    }
    byte[] bytes = blob(desc, "manifest");
    JsonNode m = bytes == null ? null : parse(bytes, "manifest " + desc.digest());
    if (m == null) {
      return;
    }
    String where = "manifest " + desc.digest();
    String own = m.path("mediaType").asText(null);
    if (own != null && !own.equals(desc.mediaType())) {
      problems.add(where + ": mediaType " + own + " but its descriptor says " + desc.mediaType());
    }
    boolean oci = !MediaType.DOCKER_MANIFEST.equals(own == null ? desc.mediaType() : own);
    if (m.path("schemaVersion").asInt(-1) != 2) {
      problems.add(where + ": schemaVersion is not 2");
    }
    Descriptor configDesc = descriptor(m.get("config"), where + ": config");
    List<Descriptor> layers = new ArrayList<>();
    m.path("layers").forEach(n -> layers.add(descriptor(n, where + ": layer")));
    if (!m.path("layers").isArray()) {
      problems.add(where + ": no layers array");
    }
    if (configDesc == null || layers.contains(null)) {
      return;
    }
    String configType = oci ? MediaType.OCI_CONFIG : MediaType.DOCKER_CONFIG;
    if (!configType.equals(configDesc.mediaType())) {
      problems.add(
          where
              + ": config media type "
              + configDesc.mediaType()
              + " in a "
              + (oci ? "OCI" : "Docker")
              + " manifest (expected "
              + configType
              + ")");
    }
    byte[] configBytes = blob(configDesc, "config");
    JsonNode config =
        configBytes == null ? null : parse(configBytes, "config " + configDesc.digest());
    List<Digest> diffIds = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      diffIds.add(checkLayer(where + ": layer " + i, layers.get(i), oci));
    }
    if (config != null) {
      checkConfig("config " + configDesc.digest(), config, diffIds);
    }
  }

  /**
   * Re-hashes one layer blob, compressed and not; returns its actual diffID (null if unreadable).
   */
  private Digest checkLayer(String where, Descriptor d, boolean oci) {
    Compression declared = declaredCompression(d.mediaType(), oci);
    if (declared == null) {
      problems.add(
          where
              + " ("
              + d.digest()
              + "): media type "
              + d.mediaType()
              + " is not a "
              + (oci ? "OCI" : "Docker")
              + " layer type");
    }
    MessageDigest compressed = Digest.newSha256();
    MessageDigest uncompressed = Digest.newSha256();
    long size = 0;
    Compression actual;
    boolean decompressed = false;
    try (InputStream raw = blobs.open(d.digest());
        CountingStream counted = new CountingStream(new DigestInputStream(raw, compressed));
        BufferedInputStream in = new BufferedInputStream(counted, 1 << 16)) {
      actual = Compression.detect(in);
      try {
        InputStream plain = new DigestInputStream(actual.decompress(in), uncompressed);
        plain.transferTo(OutputStream.nullOutputStream());
        decompressed = true;
      } catch (IOException | UncheckedIOException e) {
        problems.add(where + " (" + d.digest() + "): cannot decompress: " + e);
      }
      // the rest (after the compressed stream's end, or after the fault) still counts
      counted.transferTo(OutputStream.nullOutputStream());
      size = counted.count();
    } catch (NoSuchFileException e) {
      problems.add(where + ": blob " + d.digest() + " is missing");
      return null;
    } catch (IOException e) {
      problems.add(where + " (" + d.digest() + "): cannot read: " + e);
      return null;
    }
    Digest digest = Digest.fromSha256(compressed.digest());
    if (!digest.equals(d.digest())) {
      problems.add(where + ": blob hashes to " + digest + ", descriptor says " + d.digest());
    }
    if (size != d.size()) {
      problems.add(
          where + " (" + d.digest() + "): blob is " + size + " bytes, descriptor says " + d.size());
    }
    if (declared != null && declared != actual) {
      problems.add(
          where
              + " ("
              + d.digest()
              + "): media type "
              + d.mediaType()
              + " but the blob is "
              + actual.name().toLowerCase(Locale.ROOT));
    }
    return decompressed ? Digest.fromSha256(uncompressed.digest()) : null;
  }

  /** rootfs.diff_ids against the layers' actual diffIDs; history against the layer count. */
  private void checkConfig(String where, JsonNode config, List<Digest> actualDiffIds) {
    JsonNode rootfs = config.path("rootfs");
    if (!"layers".equals(rootfs.path("type").asText())) {
      problems.add(where + ": rootfs.type is not \"layers\"");
    }
    JsonNode ids = rootfs.path("diff_ids");
    if (ids.size() != actualDiffIds.size()) {
      problems.add(where + ": " + ids.size() + " diff_ids for " + actualDiffIds.size() + " layers");
    }
    for (int i = 0; i < Math.min(ids.size(), actualDiffIds.size()); i++) {
      Digest actual = actualDiffIds.get(i);
      if (actual != null && !actual.toString().equals(ids.get(i).asText())) {
        problems.add(
            where
                + ": diff_ids["
                + i
                + "] is "
                + ids.get(i).asText()
                + ", layer "
                + i
                + " uncompressed hashes to "
                + actual);
      }
    }
    if (config.has("history")) {
      int withLayer = 0;
      for (JsonNode h : config.get("history")) {
        withLayer += h.path("empty_layer").asBoolean(false) ? 0 : 1;
      }
      if (withLayer != actualDiffIds.size()) {
        problems.add(
            where
                + ": "
                + withLayer
                + " history entries with a layer (empty_layer not"
                + " true) for "
                + actualDiffIds.size()
                + " layers");
      }
    }
    if (config.path("os").asText("").isEmpty()
        || config.path("architecture").asText("").isEmpty()) {
      problems.add(where + ": os or architecture missing");
    }
  }

  /**
   * The compression a layer media type promises, or null if it is not a layer type of this kind of
   * manifest (an OCI manifest names OCI layer types, a Docker manifest Docker's).
   */
  static Compression declaredCompression(String mediaType, boolean oci) {
    if (mediaType == null) {
      return null;
    }
    if (oci) {
      return switch (mediaType) {
        case MediaType.OCI_LAYER, "application/vnd.oci.image.layer.nondistributable.v1.tar" ->
            Compression.NONE;
        case MediaType.OCI_LAYER_GZIP, MediaType.OCI_LAYER_NONDIST_GZIP -> Compression.GZIP;
        case MediaType.OCI_LAYER_ZSTD,
            "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd" ->
            Compression.ZSTD;
        default -> null;
      };
    }
    return switch (mediaType) {
      case MediaType.DOCKER_LAYER_GZIP, MediaType.DOCKER_LAYER_FOREIGN_GZIP -> Compression.GZIP;
      default -> null;
    };
  }

  /** The blob's bytes after checking them against its descriptor; null (reported) if unusable. */
  private byte[] blob(Descriptor d, String what) {
    byte[] bytes;
    try (InputStream in = blobs.open(d.digest())) {
      bytes = in.readNBytes((int) Math.min(Store.MAX_DOCUMENT, Integer.MAX_VALUE - 8));
    } catch (NoSuchFileException e) {
      problems.add(what + " " + d.digest() + ": blob is missing");
      return null;
    } catch (IOException e) {
      problems.add(what + " " + d.digest() + ": cannot read: " + e);
      return null;
    }
    Digest actual = Digest.sha256(bytes);
    if (!actual.equals(d.digest())) {
      problems.add(what + " " + d.digest() + ": blob hashes to " + actual);
    }
    if (bytes.length != d.size()) {
      problems.add(
          what
              + " "
              + d.digest()
              + ": blob is "
              + bytes.length
              + " bytes, descriptor says "
              + d.size());
    }
    return bytes;
  }

  private byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      problems.add(file + ": cannot read: " + e);
      return null;
    }
  }

  private ObjectNode parse(byte[] bytes, String what) {
    if (bytes == null) {
      return null;
    }
    try {
      return Json.parseObject(bytes);
    } catch (RuntimeException e) {
      problems.add(what + ": not a JSON object: " + e.getMessage());
      return null;
    }
  }

  private Descriptor descriptor(JsonNode n, String what) {
    try {
      return Descriptor.fromJson(n);
    } catch (RuntimeException e) {
      problems.add(what + ": bad descriptor " + n + ": " + e.getMessage());
      return null;
    }
  }

  /** Counts the bytes read through it. */
  private static final class CountingStream extends FilterInputStream {
    private long count;

    CountingStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      count += b < 0 ? 0 : 1;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      count += Math.max(n, 0);
      return n;
    }

    long count() {
      return count;
    }
  }
}
