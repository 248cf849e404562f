package dev.strata.index;

import dev.strata.buildcache.CacheKey;
import dev.strata.buildcache.CacheRecord;
import dev.strata.oci.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The one owner of the store's RocksDB database ({@code index/}): options and handles are made once
 * and closed in reverse order; multi-key updates go in one {@link WriteBatch}; no RocksDB type
 * leaves this class. RocksDB lets one process open a database at a time, so callers hold it
 * briefly, under the store's index lock (see {@code Store.withIndex}).
 *
 * <p>Tables (column families): {@code layers} diffID|blob -> {@link LayerRecord}; {@code cache},
 * {@code filehash} and {@code stats} are the build cache's (cache keys -> records, file stat ->
 * content hash, build statistics); {@code imagecache} image manifest -> the cache keys of its
 * builds; {@code blobsources} blob|registry/repository -> nothing: where a push or pull saw a blob,
 * so a later push to another repository of that registry can mount it (skopeo's blob-info cache
 * keeps the same).
 */
public final class StoreIndex implements AutoCloseable {
  private static final List<String> TABLES =
      List.of(
          "layers",
          "cache",
          "filehash",
          "stats",
          "urls",
          "imagecache",
          "blobsources"); // a new table goes last

  static {
    NativeLibrary.load();
  }

  private final DBOptions dbOptions;
  private final ColumnFamilyOptions cfOptions;
  private final WriteOptions writeOptions;
  private final List<ColumnFamilyHandle> handles = new ArrayList<>();
  private final RocksDB db;

  private StoreIndex(Path dir) throws RocksDBException {
    dbOptions =
        new DBOptions()
            .setCreateIfMissing(true)
            .setCreateMissingColumnFamilies(true)
            .setKeepLogFileNum(2)
            .setMaxOpenFiles(64);
    cfOptions = new ColumnFamilyOptions();
    // Sync writes: a record must never point at a layer the next run cannot find.
    writeOptions = new WriteOptions().setSync(true);
    List<ColumnFamilyDescriptor> cfs = new ArrayList<>();
    cfs.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions));
    for (String t : TABLES) {
      cfs.add(new ColumnFamilyDescriptor(t.getBytes(StandardCharsets.UTF_8), cfOptions));
    }
    db = RocksDB.open(dbOptions, dir.toString(), cfs, handles);
  }

  /** Opens (creating) the index in {@code dir}. */
  public static StoreIndex open(Path dir) {
    try {
      Files.createDirectories(dir);
      return new StoreIndex(dir);
    } catch (RocksDBException e) {
      throw new IndexException("cannot open the store index " + dir + ": " + e.getMessage(), e);
    } catch (java.io.IOException e) {
      throw new IndexException("cannot create the store index " + dir + ": " + e.getMessage(), e);
    }
  }

  private ColumnFamilyHandle table(String name) {
    return handles.get(1 + TABLES.indexOf(name));
  }

  private static byte[] layerKey(Digest diffId, Digest blob) {
    return (diffId + "|" + blob).getBytes(StandardCharsets.UTF_8);
  }

  /** Records one stored form of a layer. */
  public void putLayer(LayerRecord r) {
    try {
      db.put(table("layers"), writeOptions, layerKey(r.diffId(), r.blob()), r.value());
    } catch (RocksDBException e) {
      throw new IndexException("cannot record layer " + r.diffId() + ": " + e.getMessage(), e);
    }
  }

  /** Every stored form of the layer {@code diffId}. */
  public List<LayerRecord> layers(Digest diffId) {
    byte[] prefix = (diffId + "|").getBytes(StandardCharsets.UTF_8);
    List<LayerRecord> out = new ArrayList<>();
    try (RocksIterator it = db.newIterator(table("layers"))) {
      for (it.seek(prefix); it.isValid(); it.next()) {
        byte[] k = it.key();
        if (k.length < prefix.length
            || !Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length)) {
          break;
        }
        String blob =
            new String(k, prefix.length, k.length - prefix.length, StandardCharsets.UTF_8);
        out.add(LayerRecord.decode(diffId, Digest.parse(blob), it.value()));
      }
    }
    return out;
  }

  /** The stored form of a layer held in blob {@code blob}, or null. */
  public LayerRecord layerByBlob(Digest blob) {
    String suffix = "|" + blob;
    try (RocksIterator it = db.newIterator(table("layers"))) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        String k = new String(it.key(), StandardCharsets.UTF_8);
        if (k.endsWith(suffix)) {
          return LayerRecord.decode(Digest.parse(k.substring(0, k.indexOf('|'))), blob, it.value());
        }
      }
    }
    return null;
  }

  /** The build cache record of {@code key}, or null. */
  public CacheRecord cacheRecord(CacheKey key) {
    try {
      byte[] v = db.get(table("cache"), key.toString().getBytes(StandardCharsets.UTF_8));
      return v == null ? null : CacheRecord.decode(v);
    } catch (RocksDBException e) {
      throw new IndexException("cannot read cache record " + key + ": " + e.getMessage(), e);
    }
  }

  /** Records what a build step made. */
  public void putCacheRecord(CacheKey key, CacheRecord record) {
    try {
      db.put(
          table("cache"),
          writeOptions,
          key.toString().getBytes(StandardCharsets.UTF_8),
          record.encode());
    } catch (RocksDBException e) {
      throw new IndexException("cannot write cache record " + key + ": " + e.getMessage(), e);
    }
  }

  /** Every build cache record, by key: what {@code strata cache export} writes. */
  public java.util.Map<CacheKey, CacheRecord> cacheRecords() {
    java.util.Map<CacheKey, CacheRecord> out = new java.util.HashMap<>();
    try (RocksIterator it = db.newIterator(table("cache"))) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        String key = new String(it.key(), StandardCharsets.UTF_8);
        out.put(new CacheKey(Digest.parse(key)), CacheRecord.decode(it.value()));
      }
    }
    return out;
  }

  /**
   * The facts learnt from stages' files (table {@code filehash}, keys that are digests: the content
   * addresses of what COPY --from selects); file stat keys are left out.
   */
  public java.util.Map<String, String> facts() {
    java.util.Map<String, String> out = new java.util.HashMap<>();
    byte[] prefix = "sha256:".getBytes(StandardCharsets.UTF_8);
    try (RocksIterator it = db.newIterator(table("filehash"))) {
      for (it.seek(prefix); it.isValid(); it.next()) {
        String key = new String(it.key(), StandardCharsets.UTF_8);
        if (!key.startsWith("sha256:")) {
          break;
        }
        out.put(key, new String(it.value(), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  /** Every layer blob a cache record keeps alive: prune's extra roots. */
  public java.util.Set<Digest> cachedBlobs() {
    java.util.Set<Digest> out = new java.util.HashSet<>();
    try (RocksIterator it = db.newIterator(table("cache"))) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        CacheRecord r = CacheRecord.decode(it.value());
        if (r.hasLayer()) {
          out.add(r.blob());
        }
      }
    }
    return out;
  }

  /** A recorded content hash (table {@code filehash}), or null. */
  public String fileHash(String key) {
    try {
      byte[] v = db.get(table("filehash"), key.getBytes(StandardCharsets.UTF_8));
      return v == null ? null : new String(v, StandardCharsets.UTF_8);
    } catch (RocksDBException e) {
      throw new IndexException("cannot read the file hash table: " + e.getMessage(), e);
    }
  }

  /** Records a content hash under {@code key} (table {@code filehash}). */
  public void putFileHash(String key, String hash) {
    try {
      db.put(
          table("filehash"),
          writeOptions,
          key.getBytes(StandardCharsets.UTF_8),
          hash.getBytes(StandardCharsets.UTF_8));
    } catch (RocksDBException e) {
      throw new IndexException("cannot write the file hash table: " + e.getMessage(), e);
    }
  }

  /** The recorded content hashes of those of {@code keys} that have one (one multi-get). */
  public java.util.Map<String, String> fileHashes(java.util.Collection<String> keys) {
    List<String> ks = new java.util.ArrayList<>(keys);
    List<org.rocksdb.ColumnFamilyHandle> tables =
        java.util.Collections.nCopies(ks.size(), table("filehash"));
    List<byte[]> raw = new java.util.ArrayList<>();
    ks.forEach(k -> raw.add(k.getBytes(StandardCharsets.UTF_8)));
    try {
      List<byte[]> vs = db.multiGetAsList(tables, raw);
      java.util.Map<String, String> out = new java.util.HashMap<>();
      for (int i = 0; i < ks.size(); i++) {
        if (vs.get(i) != null) {
          out.put(ks.get(i), new String(vs.get(i), StandardCharsets.UTF_8));
        }
      }
      return out;
    } catch (RocksDBException e) {
      throw new IndexException("cannot read the file hash table: " + e.getMessage(), e);
    }
  }

  /** Records several content hashes in one write. */
  public void putFileHashes(java.util.Map<String, String> hashes) {
    try (WriteBatch batch = new WriteBatch()) {
      for (java.util.Map.Entry<String, String> e : hashes.entrySet()) {
        batch.put(
            table("filehash"),
            e.getKey().getBytes(StandardCharsets.UTF_8),
            e.getValue().getBytes(StandardCharsets.UTF_8));
      }
      db.write(writeOptions, batch);
    } catch (RocksDBException e) {
      throw new IndexException("cannot write the file hash table: " + e.getMessage(), e);
    }
  }

  /**
   * Deletes the content hashes whose key {@code keep} rejects (a prune's sweep of keys no file has
   * any more); returns how many went.
   */
  public int pruneFileHashes(java.util.function.Predicate<String> keep) {
    int n = 0;
    try (WriteBatch batch = new WriteBatch();
        RocksIterator it = db.newIterator(table("filehash"))) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        if (!keep.test(new String(it.key(), StandardCharsets.UTF_8))) {
          batch.delete(table("filehash"), it.key());
          n++;
        }
      }
      db.write(writeOptions, batch);
      return n;
    } catch (RocksDBException e) {
      throw new IndexException("cannot update the file hash table: " + e.getMessage(), e);
    }
  }

  /** What the last download of {@code url} answered (table {@code urls}), or null. */
  public UrlRecord url(String url) {
    try {
      byte[] v = db.get(table("urls"), url.getBytes(StandardCharsets.UTF_8));
      return v == null ? null : UrlRecord.decode(v);
    } catch (RocksDBException e) {
      throw new IndexException("cannot read the url table: " + e.getMessage(), e);
    }
  }

  /** Records what a download of {@code url} answered. */
  public void putUrl(String url, UrlRecord r) {
    try {
      db.put(table("urls"), writeOptions, url.getBytes(StandardCharsets.UTF_8), r.value());
    } catch (RocksDBException e) {
      throw new IndexException("cannot write the url table: " + e.getMessage(), e);
    }
  }

  /** Appends one build's statistics (JSON) under its id. */
  public void putBuildStats(String buildId, byte[] json) {
    try {
      db.put(table("stats"), writeOptions, buildId.getBytes(StandardCharsets.UTF_8), json);
    } catch (RocksDBException e) {
      throw new IndexException("cannot write build statistics: " + e.getMessage(), e);
    }
  }

  /**
   * Adds {@code keys} to the cache records the builds of the image manifest {@code image} made or
   * used (table {@code imagecache}), for {@code strata cache export DIR IMAGE}.
   */
  public void addImageRecords(Digest image, java.util.Collection<CacheKey> keys) {
    java.util.Set<CacheKey> all =
        new java.util.TreeSet<>((a, b) -> a.digest().compareTo(b.digest()));
    all.addAll(imageRecords(image));
    all.addAll(keys);
    StringBuilder v = new StringBuilder();
    all.forEach(k -> v.append(k.digest()).append('\n'));
    try {
      db.put(
          table("imagecache"),
          writeOptions,
          image.toString().getBytes(StandardCharsets.UTF_8),
          v.toString().getBytes(StandardCharsets.UTF_8));
    } catch (RocksDBException e) {
      throw new IndexException("cannot write the image cache table: " + e.getMessage(), e);
    }
  }

  /**
   * The cache keys recorded for the image manifest {@code image}; empty when no build made it here.
   */
  public java.util.Set<CacheKey> imageRecords(Digest image) {
    try {
      byte[] v = db.get(table("imagecache"), image.toString().getBytes(StandardCharsets.UTF_8));
      java.util.Set<CacheKey> out = new java.util.HashSet<>();
      if (v != null) {
        for (String line : new String(v, StandardCharsets.UTF_8).split("\n")) {
          if (!line.isEmpty()) {
            out.add(new CacheKey(Digest.parse(line)));
          }
        }
      }
      return out;
    } catch (RocksDBException e) {
      throw new IndexException("cannot read the image cache table: " + e.getMessage(), e);
    }
  }

  /**
   * Records, in one batch, that {@code repository} ({@code registry/name}, as a push or pull named
   * it) holds each of {@code blobs}.
   */
  public void putBlobSources(java.util.Collection<Digest> blobs, String repository) {
    try (WriteBatch batch = new WriteBatch()) {
      for (Digest b : blobs) {
        batch.put(
            table("blobsources"),
            (b + "|" + repository).getBytes(StandardCharsets.UTF_8),
            new byte[0]);
      }
      db.write(writeOptions, batch);
    } catch (RocksDBException e) {
      throw new IndexException("cannot record where blobs were pushed: " + e.getMessage(), e);
    }
  }

  /** The repositories ({@code registry/name}) recorded as holding {@code blob}, sorted. */
  public List<String> blobSources(Digest blob) {
    byte[] prefix = (blob + "|").getBytes(StandardCharsets.UTF_8);
    List<String> out = new ArrayList<>();
    try (RocksIterator it = db.newIterator(table("blobsources"))) {
      for (it.seek(prefix); it.isValid(); it.next()) {
        byte[] k = it.key();
        if (k.length < prefix.length
            || !Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length)) {
          break;
        }
        out.add(new String(k, prefix.length, k.length - prefix.length, StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  /** Forgets the records of blobs that were deleted, in one batch. */
  public void forgetBlobs(List<Digest> blobs) {
    if (blobs.isEmpty()) {
      return;
    }
    java.util.Set<String> gone = new java.util.HashSet<>();
    blobs.forEach(b -> gone.add(b.toString()));
    try (WriteBatch batch = new WriteBatch();
        RocksIterator it = db.newIterator(table("layers"))) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        String k = new String(it.key(), StandardCharsets.UTF_8);
        if (gone.contains(k.substring(k.indexOf('|') + 1))) {
          batch.delete(table("layers"), it.key());
        }
      }
      db.write(writeOptions, batch);
    } catch (RocksDBException e) {
      throw new IndexException("cannot update the store index: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    for (int i = handles.size() - 1; i >= 0; i--) {
      handles.get(i).close();
    }
    db.close();
    writeOptions.close();
    cfOptions.close();
    dbOptions.close();
  }
}
