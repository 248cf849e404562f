package dev.strata.index;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * One table (column family) of the store's index with string keys: reads, writes, prefix scans and
 * batched updates, {@link RocksDBException} translated here into an {@link IndexException} naming
 * the table. The handles belong to {@link StoreIndex}, which closes them.
 */
final class Table {
  private final RocksDB db;
  private final ColumnFamilyHandle handle;
  private final WriteOptions writeOptions;
  private final String name;

  Table(RocksDB db, ColumnFamilyHandle handle, WriteOptions writeOptions, String name) {
    this.db = db;
    this.handle = handle;
    this.writeOptions = writeOptions;
    this.name = name;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private IndexException failed(String action, RocksDBException e) {
    return new IndexException(
        "cannot " + action + " the " + name + " table of the store index: " + e.getMessage(), e);
  }

  byte[] get(String key) {
    try {
      return db.get(handle, utf8(key));
    } catch (RocksDBException e) {
      throw failed("read", e);
    }
  }

  String getString(String key) {
    byte[] v = get(key);
    return v == null ? null : new String(v, StandardCharsets.UTF_8);
  }

  void put(String key, byte[] value) {
    try {
      db.put(handle, writeOptions, utf8(key), value);
    } catch (RocksDBException e) {
      throw failed("write", e);
    }
  }

  void putString(String key, String value) {
    put(key, utf8(value));
  }

  /** The values of those of {@code keys} that have one (one multi-get). */
  Map<String, String> getStrings(Collection<String> keys) {
    List<String> ks = new ArrayList<>(keys);
    List<byte[]> raw = new ArrayList<>();
    ks.forEach(k -> raw.add(utf8(k)));
    try {
      List<byte[]> vs = db.multiGetAsList(Collections.nCopies(ks.size(), handle), raw);
      Map<String, String> out = new HashMap<>();
      for (int i = 0; i < ks.size(); i++) {
        if (vs.get(i) != null) {
          out.put(ks.get(i), new String(vs.get(i), StandardCharsets.UTF_8));
        }
      }
      return out;
    } catch (RocksDBException e) {
      throw failed("read", e);
    }
  }

  /** Writes every entry of {@code entries} in one batch. */
  void putAll(Map<String, byte[]> entries) {
    try (WriteBatch batch = new WriteBatch()) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        batch.put(handle, utf8(e.getKey()), e.getValue());
      }
      db.write(writeOptions, batch);
    } catch (RocksDBException e) {
      throw failed("write", e);
    }
  }

  /**
   * Calls {@code visit} with every entry whose key starts with {@code prefix} (all for ""), in key
   * order, until it returns false.
   */
  void scan(String prefix, BiPredicate<String, byte[]> visit) {
    byte[] p = utf8(prefix);
    try (RocksIterator it = db.newIterator(handle)) {
      for (it.seek(p); it.isValid(); it.next()) {
        byte[] k = it.key();
        if (k.length < p.length || !Arrays.equals(k, 0, p.length, p, 0, p.length)) {
          break;
        }
        if (!visit.test(new String(k, StandardCharsets.UTF_8), it.value())) {
          break;
        }
      }
    }
  }

  /** Deletes, in one batch, the entries whose key {@code drop} accepts; returns how many went. */
  int deleteIf(Predicate<String> drop) {
    List<String> gone = new ArrayList<>();
    scan(
        "",
        (k, v) -> {
          if (drop.test(k)) {
            gone.add(k);
          }
          return true;
        });
    delete(gone);
    return gone.size();
  }

  /** Deletes {@code keys} in one batch. */
  void delete(Collection<String> keys) {
    if (keys.isEmpty()) {
      return;
    }
    try (WriteBatch batch = new WriteBatch()) {
      for (String k : keys) {
        batch.delete(handle, utf8(k));
      }
      db.write(writeOptions, batch);
    } catch (RocksDBException e) {
      throw failed("update", e);
    }
  }

  /**
   * Moves the entries whose key starts with {@code prefix} into {@code to}, in one batch (both
   * tables are of one database): a store written by an older version keeps what it knew.
   */
  int moveTo(Table to, String prefix) {
    Map<String, byte[]> moved = new HashMap<>();
    scan(
        prefix,
        (k, v) -> {
          moved.put(k, v);
          return true;
        });
    if (moved.isEmpty()) {
      return 0;
    }
    try (WriteBatch batch = new WriteBatch()) {
      for (Map.Entry<String, byte[]> e : moved.entrySet()) {
        batch.put(to.handle, utf8(e.getKey()), e.getValue());
        batch.delete(handle, utf8(e.getKey()));
      }
      db.write(writeOptions, batch);
      return moved.size();
    } catch (RocksDBException e) {
      throw failed("migrate", e);
    }
  }
}
