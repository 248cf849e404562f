package dev.strata.registry;

import dev.strata.archive.LayerForms;
import dev.strata.codec.Compression;
import dev.strata.codec.NonClosing;
import dev.strata.codec.ParallelGzipOutputStream;
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
import java.util.List;

/**
 * The blob a push sends for a layer: the stored one when it is already in the compression asked
 * for, a form made before (by an earlier push, a save or a build, remembered by diffID), or a new
 * one, compressed once here, kept in the store and remembered (DESIGN.md "Layers").
 *
 * <p>gzip for a push is level 1, go-containerregistry's default for the layers it compresses
 * (gzip.BestSpeed): on the golang rootfs zlib's level 1 deflates about 6 times faster than level 6
 * for blobs 15% larger, and deflating was most of a first push (issue 20). Its bytes depend only on
 * the tar, as at any level.
 *
 * <p>Each byte is hashed once: the stored blob is read unverified, and its tar is checked against
 * the diffID instead (a corrupt blob cannot give the right tar), while the new blob's digest is
 * computed as it is written.
 */
final class PushForms {
  static final int GZIP_LEVEL = 1;

  private PushForms() {}

  /** A remembered form of the layer in {@code want} whose blob is still in the store, or null. */
  static LayerRecord remembered(Store store, List<LayerRecord> forms, Compression want) {
    BlobStore blobs = store.blobs();
    for (LayerRecord r : forms) {
      try {
        if (LayerForms.compressionOf(r.mediaType()) == want
            && blobs.has(r.blob())
            && blobs.size(r.blob()) == r.size()) {
          return r;
        }
      } catch (IOException e) {
        // gone meanwhile (a prune): not a form to use
      }
    }
    return null;
  }

  /**
   * Compresses the stored {@code layer} (whose tar has {@code diffId}) into a new blob of media
   * type {@code type}; the caller records the returned form.
   */
  static LayerRecord compress(
      Store store, String action, Descriptor layer, Digest diffId, Compression want, String type)
      throws IOException {
    BlobStore blobs = store.blobs();
    MessageDigest sha = Digest.newSha256();
    long uncompressed;
    try (InputStream raw = blobs.open(layer.digest());
        BlobStore.BlobWriter w = blobs.newWriter()) {
      try (InputStream plain = new DigestInputStream(Compression.decompressAny(raw), sha);
          OutputStream z = compressor(want, NonClosing.of(w))) {
        uncompressed = plain.transferTo(z);
      }
      Digest got = Digest.fromSha256(sha.digest());
      if (!got.equals(diffId)) {
        throw new RegistryException(
            action
                + ": stored layer "
                + layer.digest()
                + " holds "
                + got
                + ", its config says "
                + diffId
                + "; the store is damaged (strata rmi the image and pull or build it again)");
      }
      long size = w.size();
      Digest blob = w.commit(null);
      return new LayerRecord(diffId, blob, type, size, uncompressed);
    }
  }

  private static OutputStream compressor(Compression want, OutputStream out) throws IOException {
    return want == Compression.GZIP
        ? new ParallelGzipOutputStream(out, GZIP_LEVEL, Runtime.getRuntime().availableProcessors())
        : want.compress(out);
  }
}
