package dev.strata.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store and what Strata makes in it are 0700; a store open to others is warned about once. */
class StorePermissionsTest {
  @TempDir Path dir;
  private final List<String> warnings = new ArrayList<>();
  private final Logger log = Logger.getLogger(Store.class.getName());
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
            warnings.add(r.getMessage());
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void listen() {
    log.addHandler(capture);
  }

  @AfterEach
  void stop() {
    log.removeHandler(capture);
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void aNewStore_andItsDirectories_are0700() throws Exception {
    Path root = dir.resolve("a/b/store"); // missing parents too, as the XDG spec asks
    try (Store s = Store.open(root)) {
      s.workDir(WorkArea.LAYERS_TMP);
      s.workDir(WorkArea.LAYERS_WORK);
      for (String d :
          List.of(
              "a",
              "a/b",
              "a/b/store",
              "a/b/store/tmp",
              "a/b/store/index",
              "a/b/store/index/db",
              "a/b/store/blobs",
              "a/b/store/blobs/sha256",
              "a/b/store/layers",
              "a/b/store/layers/tmp",
              "a/b/store/layers/work")) {
        assertEquals("rwx------", mode(dir.resolve(d)), d);
      }
      assertEquals("rwx------", mode(s.tmp()), "the session's tmp");
      assertEquals("rwx------", mode(s.workDir(WorkArea.LAYERS_WORK)), "the session's layers/work");
    }
    assertEquals(List.of(), warnings);
  }

  @Test
  void aStoreOthersMayRead_isWarnedAboutOncePerProcess_andKeepsItsMode() throws Exception {
    Path root = dir.resolve("store");
    Store.open(root).close();
    assertEquals(List.of(), warnings, "a 0700 store");
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    Store.open(root).close();
    Store.open(root).close();
    assertEquals(
        List.of("store " + root + " is readable by other users (mode 0755); chmod 700 " + root),
        warnings);
    assertEquals("rwxr-xr-x", mode(root), "the user's choice: warned, not changed");
  }

  @Test
  void aStoreOthersMayOnlyWrite_saysWritable() throws Exception {
    Path root = dir.resolve("store");
    Store.open(root).close();
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx-w----"));
    Store.open(root).close();
    assertEquals(
        List.of("store " + root + " is writable by other users (mode 0720); chmod 700 " + root),
        warnings);
  }
}
