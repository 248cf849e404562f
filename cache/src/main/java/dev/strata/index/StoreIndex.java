package dev.strata.index;

import dev.strata.buildcache.CacheKey;
import dev.strata.buildcache.CacheRecord;
import dev.strata.oci.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The facade of the store's RocksDB database ({@code index/}): options and handles are made once
 * and closed in reverse order ({@link IndexDb}); each table is a {@link Table}, through which every
 * read and write goes; no RocksDB type leaves this package. RocksDB lets one process open a
 * database at a time, so callers hold it briefly, under the store's index lock (see {@code
 * Store.withIndex}).
 *
 * <p>Tables (column families): {@code layers} diffID|blob -> {@link LayerRecord}; {@code cache}
 * cache key -> {@link CacheRecord}; {@code filehash} file stat key -> content digest, which a prune
 * sweeps of keys no file has any more; {@code facts} what COPY --from and --link learnt from a
 * stage's files, under content addresses (a table of its own since a prune must never sweep them);
 * {@code listings} the file listings of COPY/ADD inputs ({@link Listings}); {@code stats} one
 * build's record by build id ({@link BuildLog}); {@code urls} ADD URL answers; {@code settings} the
 * store's settings; {@code imagecache} image manifest -> the cache keys of its builds; {@code
 * blobsources} blob|registry/repository -> nothing: where a push or pull saw a blob, so a later
 * push to another repository of that registry can mount it (skopeo's blob-info cache keeps the
 * same).
 */
public final class StoreIndex implements AutoCloseable {
  private final IndexDb db;

  private StoreIndex(IndexDb db) {
    this.db = db;
    // Stores written before the facts had a table kept them in filehash, under their content
    // address (stat keys start "stat "): move them, so a prune's sweep of stat keys spares them.
    table("filehash").moveTo(table("facts"), "sha256:");
  }

  /** Opens (creating) the index in {@code dir}. */
  public static StoreIndex open(Path dir) {
    return new StoreIndex(IndexDb.open(dir));
  }

  private Table table(String name) {
    return db.table(name);
  }

  private static String layerKey(Digest diffId, Digest blob) {
    return diffId + "|" + blob;
  }

  /** Records one stored form of a layer. */
  public void putLayer(LayerRecord r) {
    table("layers").put(layerKey(r.diffId(), r.blob()), r.value());
  }

  /** Every stored form of the layer {@code diffId}. */
  public List<LayerRecord> layers(Digest diffId) {
    String prefix = diffId + "|";
    List<LayerRecord> out = new ArrayList<>();
    table("layers")
        .scan(
            prefix,
            (k, v) ->
                out.add(LayerRecord.decode(diffId, Digest.parse(k.substring(prefix.length())), v)));
    return out;
  }

  /** The stored form of a layer held in blob {@code blob}, or null. */
  public LayerRecord layerByBlob(Digest blob) {
    String suffix = "|" + blob;
    LayerRecord[] found = {null};
    table("layers")
        .scan(
            "",
            (k, v) -> {
              if (k.endsWith(suffix)) {
                found[0] =
                    LayerRecord.decode(Digest.parse(k.substring(0, k.indexOf('|'))), blob, v);
              }
              return found[0] == null;
            });
    return found[0];
  }

  /** Forgets the records of blobs that were deleted, in one batch. */
  public void forgetBlobs(List<Digest> blobs) {
    Set<String> gone = new HashSet<>();
    blobs.forEach(b -> gone.add(b.toString()));
    if (!gone.isEmpty()) {
      table("layers").deleteIf(k -> gone.contains(k.substring(k.indexOf('|') + 1)));
    }
  }

  /** The build cache record of {@code key}, or null. */
  public CacheRecord cacheRecord(CacheKey key) {
    byte[] v = table("cache").get(key.toString());
    return v == null ? null : CacheRecord.decode(v);
  }

  /** Records what a build step made. */
  public void putCacheRecord(CacheKey key, CacheRecord record) {
    table("cache").put(key.toString(), record.encode());
  }

  /** Every build cache record, by key: what {@code strata cache export} writes. */
  public Map<CacheKey, CacheRecord> cacheRecords() {
    Map<CacheKey, CacheRecord> out = new HashMap<>();
    table("cache")
        .scan(
            "",
            (k, v) -> {
              out.put(new CacheKey(Digest.parse(k)), CacheRecord.decode(v));
              return true;
            });
    return out;
  }

  /** Deletes the records of {@code keys} (a cache prune's), in one batch. */
  public void deleteCacheRecords(Collection<CacheKey> keys) {
    List<String> ks = new ArrayList<>();
    keys.forEach(k -> ks.add(k.toString()));
    table("cache").delete(ks);
  }

  /** Every layer blob a cache record keeps alive: prune's extra roots. */
  public Set<Digest> cachedBlobs() {
    Set<Digest> out = new HashSet<>();
    cacheRecords().values().stream().filter(CacheRecord::hasLayer).forEach(r -> out.add(r.blob()));
    return out;
  }

  /** A fact learnt from a stage's files, by its content address (table {@code facts}), or null. */
  public String fact(String key) {
    return table("facts").getString(key);
  }

  /** Records a fact under its content address. */
  public void putFact(String key, String value) {
    table("facts").putString(key, value);
  }

  /** Every recorded fact, by content address: what --cache-to and cache export carry. */
  public Map<String, String> facts() {
    Map<String, String> out = new HashMap<>();
    table("facts")
        .scan(
            "",
            (k, v) -> {
              out.put(k, new String(v, StandardCharsets.UTF_8));
              return true;
            });
    return out;
  }

  /** A recorded content hash (table {@code filehash}), or null. */
  public String fileHash(String key) {
    return table("filehash").getString(key);
  }

  /** Records a content hash under {@code key} (table {@code filehash}). */
  public void putFileHash(String key, String hash) {
    table("filehash").putString(key, hash);
  }

  /** The recorded content hashes of those of {@code keys} that have one (one multi-get). */
  public Map<String, String> fileHashes(Collection<String> keys) {
    return table("filehash").getStrings(keys);
  }

  /** Records several content hashes in one write. */
  public void putFileHashes(Map<String, String> hashes) {
    Map<String, byte[]> raw = new LinkedHashMap<>();
    hashes.forEach((k, v) -> raw.put(k, v.getBytes(StandardCharsets.UTF_8)));
    table("filehash").putAll(raw);
  }

  /**
   * Deletes the content hashes whose key {@code keep} rejects (a prune's sweep of keys no file has
   * any more); returns how many went. Facts are in a table of their own: this never touches them.
   */
  public int pruneFileHashes(Predicate<String> keep) {
    return table("filehash").deleteIf(keep.negate());
  }

  /** The file listings of COPY/ADD inputs, stored once per distinct listing. */
  public Listings listings() {
    return new Listings(table("listings"));
  }

  /** A store setting ({@code gc.keepStorage}), or null when unset (table {@code settings}). */
  public String setting(String name) {
    return table("settings").getString(name);
  }

  /** Sets a store setting, or with {@code value} null unsets it. */
  public void putSetting(String name, String value) {
    if (value == null) {
      table("settings").delete(List.of(name));
    } else {
      table("settings").putString(name, value);
    }
  }

  /** What the last download of {@code url} answered (table {@code urls}), or null. */
  public UrlRecord url(String url) {
    byte[] v = table("urls").get(url);
    return v == null ? null : UrlRecord.decode(v);
  }

  /** Records what a download of {@code url} answered. */
  public void putUrl(String url, UrlRecord r) {
    table("urls").put(url, r.value());
  }

  /** The records of builds: statistics, reasons, the steps' keys (table {@code stats}). */
  public BuildLog builds() {
    return new BuildLog(table("stats"));
  }

  /**
   * Adds {@code keys} to the cache records the builds of the image manifest {@code image} made or
   * used (table {@code imagecache}), for {@code strata cache export DIR IMAGE}.
   */
  public void addImageRecords(Digest image, Collection<CacheKey> keys) {
    Set<CacheKey> all = new java.util.TreeSet<>((a, b) -> a.digest().compareTo(b.digest()));
    all.addAll(imageRecords(image));
    all.addAll(keys);
    StringBuilder v = new StringBuilder();
    all.forEach(k -> v.append(k.digest()).append('\n'));
    table("imagecache").putString(image.toString(), v.toString());
  }

  /**
   * The cache keys recorded for the image manifest {@code image}; empty when no build made it here.
   */
  public Set<CacheKey> imageRecords(Digest image) {
    String v = table("imagecache").getString(image.toString());
    Set<CacheKey> out = new HashSet<>();
    if (v != null) {
      for (String line : v.split("\n")) {
        if (!line.isEmpty()) {
          out.add(new CacheKey(Digest.parse(line)));
        }
      }
    }
    return out;
  }

  /**
   * Records, in one batch, that {@code repository} ({@code registry/name}, as a push or pull named
   * it) holds each of {@code blobs}.
   */
  public void putBlobSources(Collection<Digest> blobs, String repository) {
    Map<String, byte[]> raw = new LinkedHashMap<>();
    blobs.forEach(b -> raw.put(b + "|" + repository, new byte[0]));
    table("blobsources").putAll(raw);
  }

  /** The repositories ({@code registry/name}) recorded as holding {@code blob}, sorted. */
  public List<String> blobSources(Digest blob) {
    String prefix = blob + "|";
    List<String> out = new ArrayList<>();
    table("blobsources").scan(prefix, (k, v) -> out.add(k.substring(prefix.length())));
    return out;
  }

  @Override
  public void close() {
    db.close();
  }
}
