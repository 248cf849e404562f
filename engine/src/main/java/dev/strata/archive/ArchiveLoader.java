package dev.strata.archive;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.codec.Compression;
import dev.strata.index.LayerRecord;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.ImageConfig;
import dev.strata.oci.ImageIndex;
import dev.strata.oci.InvalidJsonException;
import dev.strata.oci.Json;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import dev.strata.oci.Platform;
import dev.strata.store.CorruptBlobException;
import dev.strata.store.Store;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * {@code strata load -i FILE}: a docker-archive ({@code docker save}, {@code skopeo copy ...
 * docker-archive:}) or an oci-archive, plain or compressed, into the store. Every blob is verified
 * against its digest and every layer against its diffID before any name is written.
 */
public final class ArchiveLoader {
  private static final long MAX_JSON = Store.MAX_DOCUMENT;

  private final Store store;

  public ArchiveLoader(Store store) {
    this.store = store;
  }

  /** Loads every image in the archive; returns the names given (or digests of unnamed ones). */
  public List<String> load(Path archive) throws IOException {
    if (!Files.isRegularFile(archive)) {
      throw new ArchiveException("no such file: " + archive);
    }
    Path plainTar = archive;
    Path decompressed = null;
    try (AutoCloseable w = store.beginWrite()) {
      try (InputStream in = new BufferedInputStream(Files.newInputStream(archive))) {
        Compression c = Compression.detect(in);
        if (c != Compression.NONE) {
          // TarFile needs random access: decompress once into the store's work dir.
          decompressed = Files.createTempFile(store.tmp(), "archive-", ".tar");
          try (InputStream plain = c.decompress(in)) {
            Files.copy(plain, decompressed, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          }
          plainTar = decompressed;
        }
      }
      try (TarFile tar = openTar(plainTar, archive)) {
        Map<String, TarArchiveEntry> entries = new HashMap<>();
        for (TarArchiveEntry e : tar.getEntries()) {
          entries.put(clean(e.getName()), e);
        }
        if (entries.containsKey("manifest.json")) {
          return loadDocker(archive, tar, entries);
        }
        if (entries.containsKey("index.json")) {
          return loadOci(archive, tar, entries);
        }
        throw new ArchiveException(
            archive
                + " is neither a docker-archive (no manifest.json) nor an oci-archive (no index.json)");
      }
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    } finally {
      if (decompressed != null) {
        Files.deleteIfExists(decompressed);
      }
    }
  }

  private static TarFile openTar(Path plainTar, Path shown) {
    try {
      return new TarFile(plainTar, "UTF-8"); // not the platform charset: ASCII without a locale
    } catch (IOException | RuntimeException e) {
      throw new ArchiveException(shown + " is not a tar archive: " + e.getMessage());
    }
  }

  private static String clean(String name) {
    String n = name;
    while (n.startsWith("./")) {
      n = n.substring(2);
    }
    while (n.startsWith("/")) {
      n = n.substring(1);
    }
    return n;
  }

  private static TarArchiveEntry entry(
      Map<String, TarArchiveEntry> entries, String name, Path archive) {
    TarArchiveEntry e = entries.get(clean(name));
    int hops = 0;
    // docker save links repeated layers to the first copy; follow such links inside the archive.
    while (e != null && (e.isSymbolicLink() || e.isLink()) && hops++ < 8) {
      String target = e.getLinkName();
      if (e.isSymbolicLink() && !target.startsWith("/")) {
        Path parent = Path.of(clean(name)).getParent();
        target = (parent == null ? Path.of(target) : parent.resolve(target)).normalize().toString();
      }
      name = target;
      e = entries.get(clean(target));
    }
    if (e == null || !e.isFile()) {
      throw new ArchiveException(archive + ": entry " + name + " is missing or not a file");
    }
    return e;
  }

  private static byte[] readJson(TarFile tar, TarArchiveEntry e, Path archive) throws IOException {
    if (e.getSize() > MAX_JSON) {
      throw new ArchiveException(
          archive + ": " + e.getName() + " is larger than " + MAX_JSON + " bytes");
    }
    try (InputStream in = tar.getInputStream(e)) {
      return in.readAllBytes();
    }
  }

  // ------------------------------------------------------------------ docker-archive

  private List<String> loadDocker(Path archive, TarFile tar, Map<String, TarArchiveEntry> entries)
      throws IOException {
    JsonNode manifest;
    try {
      manifest = Json.parse(readJson(tar, entries.get("manifest.json"), archive));
    } catch (InvalidJsonException e) {
      throw new ArchiveException(archive + ": manifest.json is not valid JSON: " + e.getMessage());
    }
    if (!manifest.isArray() || manifest.isEmpty()) {
      throw new ArchiveException(archive + ": manifest.json lists no image");
    }
    List<String> loaded = new ArrayList<>();
    for (JsonNode img : manifest) {
      String configName = img.path("Config").asText(null);
      if (configName == null) {
        throw new ArchiveException(archive + ": manifest.json entry without Config");
      }
      byte[] configBytes = readJson(tar, entry(entries, configName, archive), archive);
      ImageConfig config;
      try {
        config = ImageConfig.parse(configBytes);
      } catch (InvalidJsonException e) {
        throw new ArchiveException(
            archive + ": " + configName + " is not an image config: " + e.getMessage());
      }
      List<Digest> diffIds = config.diffIds();
      JsonNode layerNames = img.path("Layers");
      if (layerNames.size() != diffIds.size()) {
        throw new ArchiveException(
            archive
                + ": "
                + layerNames.size()
                + " layers for "
                + diffIds.size()
                + " diff_ids in "
                + configName);
      }
      List<Descriptor> layers = new ArrayList<>();
      for (int i = 0; i < layerNames.size(); i++) {
        String ln = layerNames.get(i).asText();
        LayerRecord r;
        try (InputStream in = tar.getInputStream(entry(entries, ln, archive))) {
          r = LayerIngester.ingest(store, in, false);
        }
        if (!r.diffId().equals(diffIds.get(i))) {
          throw new ArchiveException(
              archive
                  + ": layer "
                  + ln
                  + " has diffID "
                  + r.diffId()
                  + ", the config says "
                  + diffIds.get(i));
        }
        recordLayer(r);
        layers.add(new Descriptor(r.mediaType(), r.blob(), r.size()));
      }
      Digest configDigest = store.blobs().writeBytes(configBytes);
      Manifest m =
          Manifest.oci(
              new Descriptor(MediaType.OCI_CONFIG, configDigest, configBytes.length), layers);
      byte[] mb = m.bytes();
      Descriptor md =
          new Descriptor(MediaType.OCI_MANIFEST, store.blobs().writeBytes(mb), mb.length);
      JsonNode tags = img.path("RepoTags");
      if (tags.isArray() && !tags.isEmpty()) {
        for (JsonNode t : tags) {
          String name = Store.canonicalName(t.asText());
          store.tag(md, name);
          loaded.add(name);
        }
      } else {
        store.tag(md, "sha256-" + configDigest.hex().substring(0, 12) + ":latest");
        loaded.add(configDigest.toString());
      }
    }
    return loaded;
  }

  private void recordLayer(LayerRecord r) {
    store.withIndex(
        idx -> {
          idx.putLayer(r);
          return null;
        });
  }

  // ------------------------------------------------------------------ oci-archive

  private List<String> loadOci(Path archive, TarFile tar, Map<String, TarArchiveEntry> entries)
      throws IOException {
    ImageIndex index;
    try {
      index = ImageIndex.parse(readJson(tar, entries.get("index.json"), archive));
    } catch (InvalidJsonException e) {
      throw new ArchiveException(archive + ": index.json is not an image index: " + e.getMessage());
    }
    List<String> loaded = new ArrayList<>();
    for (Descriptor d : index.manifests()) {
      Descriptor manifestDesc = chooseManifest(archive, tar, entries, d);
      Manifest m =
          Manifest.parse(
              copyBlob(archive, tar, entries, manifestDesc, true), manifestDesc.mediaType());
      byte[] configBytes = copyBlob(archive, tar, entries, m.config(), true);
      ImageConfig config = ImageConfig.parse(configBytes);
      List<Digest> diffIds = config.diffIds();
      if (diffIds.size() != m.layers().size()) {
        throw new ArchiveException(
            archive
                + ": manifest "
                + manifestDesc.digest()
                + " and its config disagree on the layer count");
      }
      for (int i = 0; i < m.layers().size(); i++) {
        Descriptor l = m.layers().get(i);
        TarArchiveEntry e =
            entry(entries, "blobs/" + l.digest().algorithm() + "/" + l.digest().hex(), archive);
        LayerRecord r;
        try (InputStream in = tar.getInputStream(e)) {
          r = LayerIngester.ingest(store, in, false);
        }
        if (!r.blob().equals(l.digest())) {
          throw new CorruptBlobException(
              archive + ": blob " + l.digest() + " refused: its bytes hash to " + r.blob());
        }
        if (!r.diffId().equals(diffIds.get(i))) {
          throw new ArchiveException(
              archive
                  + ": layer "
                  + l.digest()
                  + " has diffID "
                  + r.diffId()
                  + ", the config says "
                  + diffIds.get(i));
        }
        recordLayer(
            new LayerRecord(r.diffId(), r.blob(), l.mediaType(), r.size(), r.uncompressedSize()));
      }
      String name = d.refName();
      if (name != null && isUsableName(name)) {
        String n = Store.canonicalName(name);
        store.tag(manifestDesc, n);
        loaded.add(n);
      } else {
        String n = "sha256-" + m.config().digest().hex().substring(0, 12) + ":latest";
        store.tag(manifestDesc, n);
        loaded.add(n);
      }
    }
    return loaded;
  }

  /** An index entry may be a multi-platform index: choose the host platform's manifest. */
  private Descriptor chooseManifest(
      Path archive, TarFile tar, Map<String, TarArchiveEntry> entries, Descriptor d)
      throws IOException {
    if (MediaType.isManifest(d.mediaType())) {
      return d;
    }
    if (!MediaType.isIndex(d.mediaType())) {
      throw new ArchiveException(
          archive + ": index.json entry " + d.digest() + " has unsupported type " + d.mediaType());
    }
    ImageIndex inner = ImageIndex.parse(copyBlob(archive, tar, entries, d, true));
    Platform host = Platform.host();
    for (Descriptor m : inner.manifests()) {
      Platform p = m.platform();
      if (p != null && p.os().equals(host.os()) && p.architecture().equals(host.architecture())) {
        return chooseManifest(archive, tar, entries, m);
      }
    }
    throw new ArchiveException(archive + ": no manifest for " + host + " in index " + d.digest());
  }

  private static boolean isUsableName(String n) {
    try {
      Store.canonicalName(n);
      return n.contains(":") || n.contains("/") || !n.matches("[\\w][\\w.-]*");
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Copies a blob into the store, verified; returns its bytes when {@code small}. */
  private byte[] copyBlob(
      Path archive, TarFile tar, Map<String, TarArchiveEntry> entries, Descriptor d, boolean small)
      throws IOException {
    TarArchiveEntry e =
        entry(entries, "blobs/" + d.digest().algorithm() + "/" + d.digest().hex(), archive);
    byte[] bytes = readJson(tar, e, archive);
    Digest got = Digest.sha256(bytes);
    if (!got.equals(d.digest())) {
      throw new CorruptBlobException(
          archive + ": blob " + d.digest() + " refused: its bytes hash to " + got);
    }
    store.blobs().writeBytes(bytes);
    return bytes;
  }

  static void drain(InputStream in) throws IOException {
    in.transferTo(OutputStream.nullOutputStream());
  }
}
