package dev.strata.remotecache;

import dev.strata.buildcache.CacheKey;
import dev.strata.buildcache.CacheRecord;
import dev.strata.index.LayerRecord;
import dev.strata.oci.Digest;
import dev.strata.store.BlobStore;
import dev.strata.store.Store;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The records of the {@code --cache-from} caches of one build (bundle directories or registry
 * repositories, see {@link CacheSource}), looked up after the store's own. Records are read up
 * front; a layer blob stays where it is until {@link #fetch} copies it into the store, which the
 * build does only where it needs the bytes (a later miss builds on it, a stage is mounted, the
 * final image, an export), as BuildKit's lazy remote-cache blobs are.
 *
 * <p>A hit is verified: the record's inputs must be those the build computed for its key, and its
 * blob must hash to its digest and unpack to its diffID and size. A bundle's blob is checked before
 * the hit is taken; a registry's as it is fetched (reading it at lookup would download what a fully
 * cached build never needs), and one that fails there throws {@link Refused}: the build starts
 * again without it. A record that fails is refused in one warning naming the digest, and its step
 * builds: a cache never yields a wrong image.
 */
public final class ImportedCache {
  private record Entry(CacheRecord record, CacheSource source) {}

  private final Map<CacheKey, Entry> records = new HashMap<>();
  private final Map<String, String> facts = new HashMap<>();

  /** blob -> the cache a hit took it from (a bundle's checked already, a registry's on fetch). */
  private final Map<Digest, CacheSource> taken = new HashMap<>();

  /** blobs found not to be what their records say: refused for the rest of the build. */
  private final Map<Digest, String> refused = new HashMap<>();

  private final Consumer<String> warn;

  private ImportedCache(Consumer<String> warn) {
    this.warn = warn;
  }

  /** A fetched blob was not what its record says: the build starts again without its records. */
  public static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message, null, false, false);
    }
  }

  /** No cache: every lookup misses. */
  public static ImportedCache none() {
    return new ImportedCache(s -> {});
  }

  /** Reads the records of the bundles in {@code dirs}; the first that has a key wins. */
  public static ImportedCache open(List<Path> dirs, Consumer<String> warn) throws IOException {
    return open(dirs, warn, false);
  }

  /** As {@link #openSources} for bundle directories. */
  public static ImportedCache open(List<Path> dirs, Consumer<String> warn, boolean lenient)
      throws IOException {
    return openSources(dirs.stream().map(LocalCacheDir::source).toList(), warn, lenient);
  }

  /**
   * Reads the records of {@code sources}; the first that has a key wins. When {@code lenient}, a
   * cache that cannot be read (missing, a registry that answers 404 or cannot be reached) is a
   * warning and is not used, as BuildKit treats a failed cache import (a CI job's first run has no
   * cache yet).
   */
  public static ImportedCache openSources(
      List<CacheSource> sources, Consumer<String> warn, boolean lenient) throws IOException {
    ImportedCache c = new ImportedCache(warn);
    for (CacheSource src : sources) {
      LocalCacheDir.Read read;
      try {
        read = src.read(m -> warn.accept("--cache-from " + src.shown() + ": " + m));
      } catch (IOException | RuntimeException e) {
        if (!lenient) {
          throw e;
        }
        warn.accept("--cache-from " + src.shown() + ": " + e.getMessage() + ": not used");
        continue;
      }
      read.contents().records().forEach((k, r) -> c.records.putIfAbsent(k, new Entry(r, src)));
      read.contents().facts().forEach(c.facts::putIfAbsent);
    }
    return c;
  }

  public boolean isEmpty() {
    return records.isEmpty();
  }

  /** Every record the caches hold (first cache wins), unverified: {@link #lookup} verifies. */
  public synchronized Map<CacheKey, CacheRecord> records() {
    Map<CacheKey, CacheRecord> out = new HashMap<>();
    records.forEach((k, e) -> out.put(k, e.record()));
    return out;
  }

  /** Every fact the caches hold. */
  public synchronized Map<String, String> facts() {
    return Map.copyOf(facts);
  }

  /**
   * A fact the caches recorded under {@code key} (see {@link dev.strata.buildcache.CacheBundle}),
   * or null.
   */
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
      warn.accept(
          "--cache-from "
              + e.source().shown()
              + ": cache record "
              + key
              + " does not hold the inputs this build computed for it: refused");
      records.remove(key);
      return null;
    }
    if (!r.hasLayer()) {
      return r;
    }
    Digest blob = r.blob();
    if (refused.containsKey(blob)) {
      return null;
    }
    if (!taken.containsKey(blob) && e.source().local()) {
      String fault = CachedBlobCheck.scan(r, e.source(), OutputStream.nullOutputStream());
      if (fault != null) {
        refuse(blob, e.source(), fault, "the step builds");
        return null;
      }
    }
    taken.putIfAbsent(blob, e.source());
    return r;
  }

  /**
   * Copies the blob of a record this cache served into the store, when the store does not hold it
   * yet; it is published only when it hashes to its digest and unpacks to its diffID.
   *
   * @throws Refused when it does not (told in one warning naming the digest): the records that name
   *     it are dropped, and the build must start again without them
   */
  public synchronized void fetch(Store store, Digest blob) throws IOException {
    CacheSource src = taken.get(blob);
    if (src == null || store.blobs().has(blob)) {
      return;
    }
    CacheRecord r = null;
    for (Entry e : records.values()) {
      if (e.record().hasLayer() && e.record().blob().equals(blob)) {
        r = e.record();
        break;
      }
    }
    if (r == null) {
      return;
    }
    String fault;
    try (BlobStore.BlobWriter w = store.blobs().newWriter()) {
      fault = CachedBlobCheck.scan(r, src, w);
      if (fault == null) {
        w.commit(blob);
      }
    }
    if (fault != null) {
      String line = refuse(blob, src, fault, "the build starts again without it");
      throw new Refused(line);
    }
    CacheRecord layer = r;
    store.withIndex(
        idx -> {
          idx.putLayer(
              new LayerRecord(
                  layer.diffId(),
                  layer.blob(),
                  layer.mediaType(),
                  layer.size(),
                  layer.uncompressedSize()));
          return null;
        });
  }

  /** Drops every record that names {@code blob}; the one warning line. */
  private String refuse(Digest blob, CacheSource src, String fault, String then) {
    refused.put(blob, fault);
    taken.remove(blob);
    records.values().removeIf(e -> e.record().hasLayer() && e.record().blob().equals(blob));
    String line =
        "--cache-from " + src.shown() + ": layer " + blob + " " + fault + ": refused, " + then;
    warn.accept(line);
    return line;
  }
}
