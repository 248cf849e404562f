package dev.strata.archive;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.codec.Compression;
import dev.strata.index.LayerRecord;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.ImageIndex;
import dev.strata.oci.Json;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import dev.strata.oci.Reference;
import dev.strata.store.BlobStore;
import dev.strata.store.Store;
import dev.strata.store.StoredImage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * {@code strata save NAME -o FILE}: writes an image as a docker-archive (what {@code docker load}
 * and {@code skopeo ... docker-archive:} read) or an oci-archive. The file appears whole or not at
 * all (written beside, then renamed).
 */
public final class ArchiveSaver {
  private static final long FIXED_MTIME = 0L;

  private final Store store;

  public ArchiveSaver(Store store) {
    this.store = store;
  }

  public void save(StoredImage image, Path out, ArchiveFormat format) throws IOException {
    save(image, out, format, null);
  }

  /**
   * As {@link #save(StoredImage, Path, ArchiveFormat)}; with {@code compression} (oci only) the
   * layers go in that compression (gzip for tools that read no zstd, such as umoci 0.4): a new
   * manifest over the same config, so the image id stays and the digest changes.
   */
  public void save(StoredImage image, Path out, ArchiveFormat format, Compression compression)
      throws IOException {
    if (compression != null && format == ArchiveFormat.OCI) {
      image = recompressed(image, compression);
    }
    Path dir = out.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path part = Files.createTempFile(dir, "." + out.getFileName(), ".part");
    try {
      try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(part), 1 << 16);
          TarArchiveOutputStream tar = new TarArchiveOutputStream(os, "UTF-8")) {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        if (format == ArchiveFormat.DOCKER) {
          writeDocker(image, tar);
        } else {
          writeOci(image, tar);
        }
        tar.finish();
      }
      Files.move(part, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(part);
    }
  }

  private StoredImage recompressed(StoredImage image, Compression c) throws IOException {
    List<Descriptor> layers = new ArrayList<>();
    List<Digest> diffIds = image.config().diffIds();
    String type = MediaType.OCI_LAYER + c.mediaTypeSuffix();
    for (int i = 0; i < image.manifest().layers().size(); i++) {
      layers.add(
          LayerForms.inCompression(
              store, image.manifest().layers().get(i), diffIds.get(i), c, type, () -> {}));
    }
    Manifest m = Manifest.oci(image.manifest().config(), layers);
    byte[] mb = m.bytes();
    Descriptor md = new Descriptor(MediaType.OCI_MANIFEST, store.blobs().writeBytes(mb), mb.length);
    return new StoredImage(image.name(), md, m, image.config());
  }

  private void writeDocker(StoredImage image, TarArchiveOutputStream tar) throws IOException {
    BlobStore blobs = store.blobs();
    Digest configDigest = image.id();
    String configName = configDigest.hex() + ".json";
    putBytes(tar, configName, blobs.readSmall(configDigest, Store.MAX_DOCUMENT));
    List<Digest> diffIds = image.config().diffIds();
    List<Descriptor> layers = image.manifest().layers();
    if (diffIds.size() != layers.size()) {
      throw new ArchiveException(
          "image "
              + image.name()
              + ": config has "
              + diffIds.size()
              + " diff_ids for "
              + layers.size()
              + " layers");
    }
    ArrayNode layerNames = Json.object().arrayNode();
    Set<Digest> written = new HashSet<>();
    for (int i = 0; i < layers.size(); i++) {
      Digest diffId = diffIds.get(i);
      String name = diffId.hex() + "/layer.tar";
      layerNames.add(name);
      if (!written.add(diffId)) {
        continue; // the same layer twice: one file serves both
      }
      Descriptor layer = layers.get(i);
      long size = uncompressedSize(layer);
      TarArchiveEntry dirEntry = new TarArchiveEntry(diffId.hex() + "/");
      dirEntry.setModTime(FIXED_MTIME);
      tar.putArchiveEntry(dirEntry);
      tar.closeArchiveEntry();
      TarArchiveEntry e = new TarArchiveEntry(name);
      e.setSize(size);
      e.setModTime(FIXED_MTIME);
      tar.putArchiveEntry(e);
      long copied;
      try (InputStream raw = blobs.openVerified(layer.digest());
          InputStream plain = Compression.decompressAny(raw)) {
        copied = plain.transferTo(tar);
        raw.transferTo(OutputStream.nullOutputStream()); // reach the end: verify the digest
      }
      if (copied != size) {
        throw new ArchiveException(
            "layer " + layer.digest() + " decompressed to " + copied + " bytes, expected " + size);
      }
      tar.closeArchiveEntry();
    }
    ObjectNode entry = Json.object();
    entry.put("Config", configName);
    ArrayNode tags = entry.putArray("RepoTags");
    if (image.name() != null) {
      tags.add(image.name());
    }
    entry.set("Layers", layerNames);
    ArrayNode manifest = Json.object().arrayNode();
    manifest.add(entry);
    putBytes(tar, "manifest.json", Json.bytes(manifest));
    if (image.name() != null && !diffIds.isEmpty()) {
      Reference r = Reference.parse(image.name());
      if (r.tag() != null) {
        ObjectNode repos = Json.object();
        repos.putObject(r.repository()).put(r.tag(), diffIds.get(diffIds.size() - 1).hex());
        putBytes(tar, "repositories", Json.bytes(repos));
      }
    }
  }

  /**
   * The size of a layer's tar: recorded when the layer was stored; otherwise counted by one
   * decompressing pass (a tar header needs the size before the bytes).
   */
  private long uncompressedSize(Descriptor layer) throws IOException {
    if (layer.mediaType().equals(MediaType.OCI_LAYER)) {
      return layer.size();
    }
    LayerRecord r = store.withIndex(idx -> idx.layerByBlob(layer.digest()));
    if (r != null) {
      return r.uncompressedSize();
    }
    try (InputStream raw = store.blobs().open(layer.digest());
        InputStream plain = Compression.decompressAny(raw)) {
      return plain.transferTo(OutputStream.nullOutputStream());
    }
  }

  private void writeOci(StoredImage image, TarArchiveOutputStream tar) throws IOException {
    putBytes(
        tar, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
    Descriptor md = image.descriptor();
    Descriptor entry = new Descriptor(md.mediaType(), md.digest(), md.size());
    if (image.name() != null) {
      entry = entry.withAnnotation(Descriptor.REF_NAME, image.name());
    }
    putBytes(tar, "index.json", ImageIndex.empty().withManifests(List.of(entry)).bytes());
    TarArchiveEntry blobsDir = new TarArchiveEntry("blobs/");
    blobsDir.setModTime(FIXED_MTIME);
    tar.putArchiveEntry(blobsDir);
    tar.closeArchiveEntry();
    TarArchiveEntry shaDir = new TarArchiveEntry("blobs/sha256/");
    shaDir.setModTime(FIXED_MTIME);
    tar.putArchiveEntry(shaDir);
    tar.closeArchiveEntry();
    List<Digest> order = new ArrayList<>();
    order.add(md.digest());
    order.add(image.manifest().config().digest());
    image.manifest().layers().forEach(l -> order.add(l.digest()));
    Set<Digest> done = new HashSet<>();
    for (Digest d : order) {
      if (!done.add(d)) {
        continue;
      }
      TarArchiveEntry e = new TarArchiveEntry("blobs/sha256/" + d.hex());
      e.setSize(store.blobs().size(d));
      e.setModTime(FIXED_MTIME);
      tar.putArchiveEntry(e);
      try (InputStream in = store.blobs().openVerified(d)) {
        in.transferTo(tar);
      }
      tar.closeArchiveEntry();
    }
  }

  private static void putBytes(TarArchiveOutputStream tar, String name, byte[] bytes)
      throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(bytes.length);
    e.setModTime(FIXED_MTIME);
    tar.putArchiveEntry(e);
    tar.write(bytes);
    tar.closeArchiveEntry();
  }
}
