package dev.strata.archive;

import dev.strata.codec.Compression;
import dev.strata.codec.NonClosing;
import dev.strata.index.LayerRecord;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.store.BlobStore;
import dev.strata.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;

/**
 * A layer in another compression than it is stored in (gzip for a push or an archive for tools that
 * read no zstd): made once, kept in the store and remembered by diffID in the index, so a second
 * push or save does not compress again (DESIGN.md "Layers").
 */
public final class LayerForms {
  private LayerForms() {}

  /** What a layer's media type says of its compression. */
  public static Compression compressionOf(String mediaType) {
    if (mediaType.endsWith("+gzip") || mediaType.endsWith(".tar.gzip")) {
      return Compression.GZIP;
    }
    if (mediaType.endsWith("+zstd")) {
      return Compression.ZSTD;
    }
    return Compression.NONE;
  }

  /**
   * {@code layer} (whose tar has {@code diffId}) in compression {@code want}, as a descriptor of
   * media type {@code type}: the layer itself when it already is, a remembered form, or a new one.
   * A layer whose bytes do not match its diffID is refused, naming it.
   */
  public static Descriptor inCompression(
      Store store,
      Descriptor layer,
      Digest diffId,
      Compression want,
      String type,
      Runnable onCompress)
      throws IOException {
    if (compressionOf(layer.mediaType()) == want) {
      return layer.mediaType().equals(type)
          ? layer
          : new Descriptor(type, layer.digest(), layer.size(), layer.annotations(), null);
    }
    BlobStore blobs = store.blobs();
    for (LayerRecord r : store.withIndex(idx -> idx.layers(diffId))) {
      if (compressionOf(r.mediaType()) == want
          && blobs.has(r.blob())
          && blobs.size(r.blob()) == r.size()) {
        return new Descriptor(type, r.blob(), r.size(), layer.annotations(), null);
      }
    }
    onCompress.run();
    MessageDigest sha = Digest.newSha256();
    try (InputStream raw = blobs.openVerified(layer.digest());
        BlobStore.BlobWriter w = blobs.newWriter()) {
      long uncompressed;
      try (InputStream plain =
              new DigestInputStream(Compression.decompressAny(NonClosing.of(raw)), sha);
          OutputStream z = want.compress(NonClosing.of(w))) {
        uncompressed = plain.transferTo(z);
      }
      raw.transferTo(OutputStream.nullOutputStream()); // to the end: the store verifies the digest
      Digest got = Digest.fromSha256(sha.digest());
      if (!got.equals(diffId)) {
        throw new ArchiveException(
            "layer " + layer.digest() + " holds " + got + ", its config says " + diffId);
      }
      long size = w.size();
      Digest blob = w.commit(null);
      LayerRecord r = new LayerRecord(diffId, blob, type, size, uncompressed);
      LayerIngester.remember(store, r);
      return new Descriptor(type, blob, size, layer.annotations(), null);
    }
  }
}
