package dev.strata.index;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;

/**
 * Loads RocksDB's JNI library from a per-user cache instead of letting rocksdbjni copy 15 MB to
 * /tmp at every start (a second of every command that touches the index). The cached copy is keyed
 * by the library's size in the jar and written atomically.
 */
final class NativeLibrary {
  private static boolean loaded;

  private NativeLibrary() {}

  static synchronized void load() {
    if (loaded) {
      return;
    }
    try {
      String name = Environment.getJniLibraryFileName("rocksdb");
      URL res = RocksDB.class.getClassLoader().getResource(name);
      if (res != null) {
        URLConnection c = res.openConnection();
        long size = c.getContentLengthLong();
        Path dir = cacheDir().resolve("rocksdbjni-" + size);
        Path lib = dir.resolve(name);
        if (!Files.isRegularFile(lib) || Files.size(lib) != size) {
          Files.createDirectories(dir);
          Path part = Files.createTempFile(dir, name, ".part");
          try (InputStream in = c.getInputStream()) {
            Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
            Files.move(
                part, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
          } finally {
            Files.deleteIfExists(part);
          }
        }
        RocksDB.loadLibrary(List.of(dir.toString()));
        loaded = true;
        return;
      }
    } catch (IOException | UnsatisfiedLinkError e) {
      // fall back to rocksdbjni's own extraction below
    }
    RocksDB.loadLibrary();
    loaded = true;
  }

  private static Path cacheDir() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isEmpty()) {
      return Path.of(xdg, "strata");
    }
    return Path.of(dev.strata.nshelper.Home.dir(), ".cache", "strata");
  }
}
