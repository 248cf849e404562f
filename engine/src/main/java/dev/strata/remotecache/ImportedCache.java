package dev.strata.remotecache;

import dev.strata.buildcache.CacheKey;
import dev.strata.buildcache.CacheRecord;
import dev.strata.codec.Compression;
import dev.strata.index.LayerRecord;
import dev.strata.oci.Digest;
import dev.strata.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The records of the {@code --cache-from} bundles of one build, looked up after the store's own.
 * Records are read up front; a layer blob stays in its bundle until {@link #fetch} copies it into
 * the store, which the build does only where it needs the bytes (a later miss builds on it, a
 * stage is mounted, the final image, an export), as BuildKit's lazy remote-cache blobs are.
 *
 * <p>A hit is verified first: the record's inputs must be those the build computed for its key,
 * and its blob must hash to its digest and unpack to its diffID. A record that fails is refused
 * in one warning naming the digest, and the step builds: a bundle never yields a wrong image.
 */
public final class ImportedCache {
  private record Entry(CacheRecord record, Path dir) {}

  private final Map<CacheKey, Entry> records = new HashMap<>();
  private final Map<String, String> facts = new HashMap<>();
  /** blob -> the bundle that holds it, once it was verified there. */
  private final Map<Digest, Path> verified = new HashMap<>();
  /** blobs found not to be what their records say: refused for the rest of the build. */
  private final Map<Digest, String> refused = new HashMap<>();
  private final Consumer<String> warn;

  private ImportedCache(Consumer<String> warn) {
    this.warn = warn;
  }

  /** No bundle: every lookup misses. */
  public static ImportedCache none() {
    return new ImportedCache(s -> {});
  }

  /** Reads the records of {@code dirs}; the first bundle that has a key wins. */
  public static ImportedCache open(List<Path> dirs, Consumer<String> warn) throws IOException {
    return open(dirs, warn, false);
  }

  /**
   * As {@link #open(List, Consumer)}; when {@code lenient}, a bundle that cannot be read is a
   * warning and is not used, as BuildKit treats a failed cache import (a CI job's first run has
   * no cache yet).
   */
  public static ImportedCache open(List<Path> dirs, Consumer<String> warn, boolean lenient) throws IOException {
    ImportedCache c = new ImportedCache(warn);
    for (Path dir : dirs) {
      LocalCacheDir.Read read;
      try {
        read = LocalCacheDir.read(dir, m -> warn.accept("--cache-from " + dir + ": " + m));
      } catch (IOException | RuntimeException e) {
        if (!lenient) {
          throw e;
        }
        warn.accept("--cache-from " + dir + ": " + e.getMessage() + ": not used");
        continue;
      }
      read.contents().records().forEach((k, r) -> c.records.putIfAbsent(k, new Entry(r, dir)));
      read.contents().facts().forEach(c.facts::putIfAbsent);
    }
    return c;
  }

  public boolean isEmpty() {
    return records.isEmpty();
  }

  /** Every record the bundles hold (first bundle wins), unverified: {@link #lookup} verifies. */
  public synchronized Map<CacheKey, CacheRecord> records() {
    Map<CacheKey, CacheRecord> out = new HashMap<>();
    records.forEach((k, e) -> out.put(k, e.record()));
    return out;
  }

  /** Every fact the bundles hold. */
  public synchronized Map<String, String> facts() {
    return Map.copyOf(facts);
  }

  /** A fact the bundles recorded under {@code key} (see {@link dev.strata.buildcache.CacheBundle}), or null. */
  public synchronized String fact(String key) {
    return facts.get(key);
  }

  /** The verified record of {@code key} whose inputs are {@code inputs}, or null. */
  public synchronized CacheRecord lookup(CacheKey key, Map<String, String> inputs) {
    Entry e = records.get(key);
    if (e == null) {
      return null;
    }
    CacheRecord r = e.record();
    if (!r.inputs().equals(inputs)) {
      warn.accept("--cache-from " + e.dir() + ": cache record " + key
          + " does not hold the inputs this build computed for it: refused");
      records.remove(key);
      return null;
    }
    if (r.hasLayer() && !verify(r, e.dir())) {
      return null;
    }
    return r;
  }

  /**
   * Copies the blob of a record this cache served into the store (verified as it is written),
   * when the store does not hold it yet.
   */
  public synchronized void fetch(Store store, Digest blob) throws IOException {
    Path dir = verified.get(blob);
    if (dir == null || store.blobs().has(blob)) {
      return;
    }
    try (InputStream in = Files.newInputStream(LocalCacheDir.blob(dir, blob))) {
      store.blobs().write(in, blob);
    }
    for (Entry e : records.values()) {
      CacheRecord r = e.record();
      if (r.hasLayer() && r.blob().equals(blob)) {
        store.withIndex(idx -> {
          idx.putLayer(new LayerRecord(r.diffId(), r.blob(), r.mediaType(), r.size(), r.uncompressedSize()));
          return null;
        });
        break;
      }
    }
  }

  /** True when the bundle's blob is the record's: digest, size, diffID and unpacked size. */
  private boolean verify(CacheRecord r, Path dir) {
    Digest blob = r.blob();
    if (verified.containsKey(blob)) {
      return true;
    }
    if (refused.containsKey(blob)) {
      return false;
    }
    String fault = check(r, LocalCacheDir.blob(dir, blob));
    if (fault == null) {
      verified.put(blob, dir);
      return true;
    }
    refused.put(blob, fault);
    warn.accept("--cache-from " + dir + ": layer " + blob + " " + fault + ": refused, the step builds");
    return false;
  }

  /** What is wrong with the bytes at {@code file} for {@code r}, or null. */
  private static String check(CacheRecord r, Path file) {
    MessageDigest blobMd = Digest.newSha256();
    MessageDigest tarMd = Digest.newSha256();
    long tarSize;
    try (InputStream raw = new DigestInputStream(Files.newInputStream(file), blobMd);
        InputStream tar = new DigestInputStream(Compression.decompressAny(raw), tarMd)) {
      tarSize = tar.transferTo(OutputStream.nullOutputStream());
      raw.transferTo(OutputStream.nullOutputStream()); // trailing bytes count in the blob digest
    } catch (NoSuchFileException e) {
      return "is missing from the cache";
    } catch (IOException e) {
      Digest got = hash(file);
      return got != null && !got.equals(r.blob()) ? "hashes to " + got : "cannot be read: " + e.getMessage();
    }
    Digest got = Digest.fromSha256(blobMd.digest());
    if (!got.equals(r.blob())) {
      return "hashes to " + got;
    }
    Digest diffId = Digest.fromSha256(tarMd.digest());
    if (!diffId.equals(r.diffId()) || tarSize != r.uncompressedSize()) {
      return "unpacks to " + diffId + ", not the record's diffID " + r.diffId();
    }
    return null;
  }

  private static Digest hash(Path file) {
    MessageDigest md = Digest.newSha256();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
      in.transferTo(OutputStream.nullOutputStream());
      return Digest.fromSha256(md.digest());
    } catch (IOException e) {
      return null;
    }
  }
}
