package dev.strata.remotecache;

import dev.strata.buildcache.CacheRecord;
import dev.strata.codec.Compression;
import dev.strata.codec.NonClosing;
import dev.strata.codec.TeeInputStream;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.registry.RegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.security.DigestInputStream;
import java.security.MessageDigest;

/**
 * Checks a cache record's layer blob in one read: it must hash to the record's digest and unpack to
 * its diffID and size. The bytes can be copied as they go by, so fetching a blob into the store and
 * checking it is one download.
 */
final class CachedBlobCheck {
  private CachedBlobCheck() {}

  /**
   * Reads {@code r}'s blob from {@code src} once, copying it to {@code copy}: what is wrong with it
   * (digest, diffID, size), or null.
   */
  static String scan(CacheRecord r, CacheSource src, OutputStream copy) {
    MessageDigest blobMd = Digest.newSha256();
    MessageDigest tarMd = Digest.newSha256();
    long tarSize = -1;
    String broken = null;
    try (InputStream raw =
        new DigestInputStream(
            new TeeInputStream(src.open(new Descriptor(r.mediaType(), r.blob(), r.size())), copy),
            blobMd)) {
      try (InputStream tar =
          new DigestInputStream(Compression.decompressAny(NonClosing.of(raw)), tarMd)) {
        tarSize = tar.transferTo(OutputStream.nullOutputStream());
      } catch (IOException e) {
        broken = e.getMessage();
      }
      raw.transferTo(OutputStream.nullOutputStream()); // trailing bytes count in the blob digest
    } catch (NoSuchFileException e) {
      return "is missing from the cache";
    } catch (IOException | RegistryException e) {
      return "cannot be read: " + e.getMessage();
    }
    Digest got = Digest.fromSha256(blobMd.digest());
    if (!got.equals(r.blob())) {
      return "hashes to " + got;
    }
    if (broken != null) {
      return "cannot be read: " + broken;
    }
    Digest diffId = Digest.fromSha256(tarMd.digest());
    if (!diffId.equals(r.diffId()) || tarSize != r.uncompressedSize()) {
      return "unpacks to " + diffId + ", not the record's diffID " + r.diffId();
    }
    return null;
  }
}
