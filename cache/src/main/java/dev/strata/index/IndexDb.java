package dev.strata.index;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * The one owner of the store's RocksDB database (STYLE.md, Kafka Streams' {@code RocksDBStore}):
 * options and handles made once, closed in reverse order; its tables (column families) are handed
 * out as {@link Table}s.
 */
final class IndexDb implements AutoCloseable {
  /** The tables, in the order they were introduced: a new table goes last. */
  private static final List<String> TABLES =
      List.of(
          "layers",
          "cache",
          "filehash",
          "stats",
          "urls",
          "imagecache",
          "blobsources",
          "facts",
          "listings",
          "settings");

  static {
    NativeLibrary.load();
  }

  private final DBOptions dbOptions;
  private final ColumnFamilyOptions cfOptions;
  private final WriteOptions writeOptions;
  private final List<ColumnFamilyHandle> handles = new ArrayList<>();
  private final RocksDB db;
  private final Map<String, Table> tables = new HashMap<>();

  private IndexDb(Path dir) throws RocksDBException {
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
    for (int i = 0; i < TABLES.size(); i++) {
      tables.put(TABLES.get(i), new Table(db, handles.get(i + 1), writeOptions, TABLES.get(i)));
    }
  }

  /** Opens (creating) the database in {@code dir}. */
  static IndexDb open(Path dir) {
    try {
      Files.createDirectories(dir);
      return new IndexDb(dir);
    } catch (RocksDBException e) {
      throw new IndexException("cannot open the store index " + dir + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new IndexException("cannot create the store index " + dir + ": " + e.getMessage(), e);
    }
  }

  Table table(String name) {
    Table t = tables.get(name);
    if (t == null) {
      throw new IllegalArgumentException("no table " + name + " in the store index");
    }
    return t;
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
