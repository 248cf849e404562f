package dev.strata.archive;

import dev.strata.codec.Compression;
import dev.strata.codec.NonClosing;
import dev.strata.codec.TeeInputStream;
import dev.strata.index.LayerRecord;
import dev.strata.oci.Digest;
import dev.strata.oci.MediaType;
import dev.strata.store.BlobStore;
import dev.strata.store.Store;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;

/**
 * Puts a layer stream into the store in one pass: the diffID (sha256 of the tar), the blob digest
 * and size are computed as the bytes go by; nothing is held in memory.
 *
 * <p>Uncompressed input is compressed with zstd (DESIGN.md: the store keeps zstd, gzip costs 10x
 * the time); compressed input is kept as it is, so a pulled or loaded blob keeps its digest.
 */
public final class LayerIngester {
  private LayerIngester() {}

  /** Reads {@code raw} to its end (does not close it) and returns the stored layer. */
  public static LayerRecord ingest(Store store, InputStream raw, boolean recompress)
      throws IOException {
    return ingest(store, raw, recompress, null);
  }

  /**
   * As {@link #ingest(Store, InputStream, boolean)}, but when {@code expectedBlob} is not null the
   * bytes are stored as they come, even uncompressed, and must hash to it, or nothing is stored (a
   * pulled blob keeps its digest).
   */
  public static LayerRecord ingest(
      Store store, InputStream raw, boolean recompress, Digest expectedBlob) throws IOException {
    BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
    Compression c = Compression.detect(in);
    BlobStore blobs = store.blobs();
    MessageDigest diff = Digest.newSha256();
    try (BlobStore.BlobWriter w = blobs.newWriter()) {
      long uncompressed;
      String mediaType;
      if ((c == Compression.NONE && expectedBlob == null) || recompress) {
        InputStream plain = new DigestInputStream(c.decompress(NonClosing.of(in)), diff);
        try (OutputStream z = Compression.ZSTD.compress(NonClosing.of(w))) {
          uncompressed = plain.transferTo(z);
        }
        mediaType = MediaType.OCI_LAYER_ZSTD;
      } else {
        // Keep the compressed bytes: tee them into the blob while decompressing for the diffID.
        InputStream tee = new TeeInputStream(NonClosing.of(in), w);
        InputStream plain = new DigestInputStream(c.decompress(tee), diff);
        uncompressed = plain.transferTo(OutputStream.nullOutputStream());
        tee.transferTo(OutputStream.nullOutputStream()); // trailing bytes after the last frame
        mediaType =
            switch (c) {
              case GZIP -> MediaType.OCI_LAYER_GZIP;
              case ZSTD -> MediaType.OCI_LAYER_ZSTD;
              case NONE -> MediaType.OCI_LAYER;
            };
      }
      long size = w.size();
      Digest blob = w.commit(recompress ? null : expectedBlob);
      return new LayerRecord(Digest.fromSha256(diff.digest()), blob, mediaType, size, uncompressed);
    }
  }

  /** Remembers {@code r} in the store's index by diffID, so a later build or push finds it. */
  public static void remember(Store store, LayerRecord r) {
    store.withIndex(
        idx -> {
          idx.putLayer(r);
          return null;
        });
  }
}
