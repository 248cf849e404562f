package dev.strata.archive;

import dev.strata.index.LayerRecord;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.ImageConfig;
import dev.strata.oci.ImageIndex;
import dev.strata.oci.InvalidJsonException;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import dev.strata.oci.Platform;
import dev.strata.store.CorruptBlobException;
import dev.strata.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The images of an oci-archive (an OCI image layout in a tar): each entry of {@code index.json},
 * the host platform's manifest of a multi-platform index, with every blob verified against its
 * digest as it is copied into the store.
 */
final class OciArchiveImporter {
  private final Store store;
  private final ArchiveEntries archive;

  OciArchiveImporter(Store store, ArchiveEntries archive) {
    this.store = store;
    this.archive = archive;
  }

  /** Stores every image; returns the names given (an index entry's ref name, else made up). */
  List<String> load() throws IOException {
    ImageIndex index;
    try {
      index = ImageIndex.parse(archive.readJson("index.json"));
    } catch (InvalidJsonException e) {
      throw new ArchiveException(
          archive.shown() + ": index.json is not an image index: " + e.getMessage());
    }
    List<String> loaded = new ArrayList<>();
    for (Descriptor d : index.manifests()) {
      Descriptor manifestDesc = chooseManifest(d);
      Manifest m = Manifest.parse(copyBlob(manifestDesc), manifestDesc.mediaType());
      ImageConfig config = ImageConfig.parse(copyBlob(m.config()));
      List<Digest> diffIds = config.diffIds();
      if (diffIds.size() != m.layers().size()) {
        throw new ArchiveException(
            archive.shown()
                + ": manifest "
                + manifestDesc.digest()
                + " and its config disagree on the layer count");
      }
      for (int i = 0; i < m.layers().size(); i++) {
        loadLayer(m.layers().get(i), diffIds.get(i));
      }
      String name = d.refName();
      String n =
          name != null && isUsableName(name)
              ? Store.canonicalName(name)
              : "sha256-" + m.config().digest().hex().substring(0, 12) + ":latest";
      store.tag(manifestDesc, n);
      loaded.add(n);
    }
    return loaded;
  }

  private void loadLayer(Descriptor l, Digest diffId) throws IOException {
    LayerRecord r;
    try (InputStream in = archive.open(archive.blob(l.digest()))) {
      r = LayerIngester.ingest(store, in, false);
    }
    if (!r.blob().equals(l.digest())) {
      throw new CorruptBlobException(
          archive.shown() + ": blob " + l.digest() + " refused: its bytes hash to " + r.blob());
    }
    if (!r.diffId().equals(diffId)) {
      throw new ArchiveException(
          archive.shown()
              + ": layer "
              + l.digest()
              + " has diffID "
              + r.diffId()
              + ", the config says "
              + diffId);
    }
    LayerIngester.remember(
        store,
        new LayerRecord(r.diffId(), r.blob(), l.mediaType(), r.size(), r.uncompressedSize()));
  }

  /** An index entry may be a multi-platform index: choose the host platform's manifest. */
  private Descriptor chooseManifest(Descriptor d) throws IOException {
    if (MediaType.isManifest(d.mediaType())) {
      return d;
    }
    if (!MediaType.isIndex(d.mediaType())) {
      throw new ArchiveException(
          archive.shown()
              + ": index.json entry "
              + d.digest()
              + " has unsupported type "
              + d.mediaType());
    }
    ImageIndex inner = ImageIndex.parse(copyBlob(d));
    Platform host = Platform.host();
    for (Descriptor m : inner.manifests()) {
      Platform p = m.platform();
      if (p != null && p.os().equals(host.os()) && p.architecture().equals(host.architecture())) {
        return chooseManifest(m);
      }
    }
    throw new ArchiveException(
        archive.shown() + ": no manifest for " + host + " in index " + d.digest());
  }

  private static boolean isUsableName(String n) {
    try {
      Store.canonicalName(n);
      return n.contains(":") || n.contains("/") || !n.matches("[\\w][\\w.-]*");
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Copies a small blob (a manifest, index or config) into the store, verified; its bytes. */
  private byte[] copyBlob(Descriptor d) throws IOException {
    byte[] bytes = archive.readJson(archive.blob(d.digest()));
    Digest got = Digest.sha256(bytes);
    if (!got.equals(d.digest())) {
      throw new CorruptBlobException(
          archive.shown() + ": blob " + d.digest() + " refused: its bytes hash to " + got);
    }
    store.blobs().writeBytes(bytes);
    return bytes;
  }
}
