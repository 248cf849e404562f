package dev.strata.solver.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.store.Store;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatKeysTest {
  @TempDir Path dir;

  private static String keyOf(Path p) throws Exception {
    return StatKeys.of(p, Files.readAttributes(p, StatKeys.ATTRIBUTES, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void aKeyIsCurrentUntilItsFileChangesOrGoes() throws Exception {
    Path f = Files.writeString(dir.resolve("main.go"), "package main\n");
    String key = keyOf(f);
    assertTrue(key.startsWith("stat " + f + "\0"), key);
    assertTrue(StatKeys.isCurrent(key));
    Files.setLastModifiedTime(f, FileTime.from(Instant.parse("2020-01-01T00:00:00Z"))); // a touch
    assertFalse(StatKeys.isCurrent(key), "touched");
    String touched = keyOf(f);
    assertTrue(StatKeys.isCurrent(touched));
    Files.delete(f);
    assertFalse(StatKeys.isCurrent(touched), "deleted");
    assertFalse(StatKeys.isCurrent("not a stat key"));
    assertEquals(
        Long.parseLong(touched.substring(touched.lastIndexOf(' ') + 1)),
        StatKeys.ctimeMillis(touched));
  }

  @Test
  void pruneDropsTheDigestsOfChangedAndDeletedFilesOnly() throws Exception {
    Path kept = Files.writeString(dir.resolve("kept"), "same");
    Path changed = Files.writeString(dir.resolve("changed"), "before");
    Path gone = Files.writeString(dir.resolve("gone"), "here");
    Map<String, String> digests = Map.of(keyOf(kept), "k", keyOf(changed), "c", keyOf(gone), "g");
    try (Store store = Store.open(dir.resolve("store"))) {
      store.withIndex(
          idx -> {
            idx.putFileHashes(digests);
            return null;
          });
      Files.writeString(changed, "after, and longer");
      Files.delete(gone);
      assertEquals(2, (int) store.withIndex(idx -> idx.pruneFileHashes(StatKeys::isCurrent)));
      Map<String, String> left = store.withIndex(idx -> idx.fileHashes(digests.keySet()));
      assertEquals(Map.of(keyOf(kept), "k"), left);
    }
  }
}
