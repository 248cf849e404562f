package dev.strata.solver.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.frontend.ignore.DockerIgnore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Content hashes take a file's digest from its stat when the stat is unchanged. */
class FileDigestsTest {
  @TempDir Path ctx;

  /** A FileDigests over a map, counting what it was asked. */
  static final class Recording implements FileDigests {
    final Map<String, String> table = new HashMap<>();
    int asked;

    public Map<String, String> known(Collection<String> keys) {
      asked += keys.size();
      Map<String, String> out = new HashMap<>();
      keys.forEach(
          k -> {
            if (table.containsKey(k)) {
              out.put(k, table.get(k));
            }
          });
      return out;
    }

    public void remember(Map<String, String> d) {
      table.putAll(d);
    }
  }

  private String hash(FileDigests d) throws Exception {
    CopySources src = new CopySources(ctx, DockerIgnore.none(), "build context").remembering(d);
    return src.contentHash(src.select(List.of(".")), false);
  }

  @Test
  void anUnchangedStatIsNotReadAgainAndAChangedOneIs() throws Exception {
    Files.writeString(ctx.resolve("a.txt"), "one");
    Files.createDirectories(ctx.resolve("d"));
    Files.writeString(ctx.resolve("d/b.txt"), "two");
    String plain = hash(FileDigests.NONE);
    Recording r = new Recording();
    // just written: racily clean, read but not remembered (git's rule)
    assertEquals(plain, hash(r));
    assertEquals(0, r.table.size(), "a file changed in the last 2 s is not remembered");
    Thread.sleep(2100);
    assertEquals(plain, hash(r), "remembering does not change the hash");
    assertEquals(2, r.table.size());
    // the remembered digest is what is used: poison it and the hash follows
    String key =
        r.table.keySet().stream().filter(k -> k.contains("a.txt")).findFirst().orElseThrow();
    r.table.put(key, "0".repeat(64));
    assertNotEquals(plain, hash(r), "a known stat is not read again");
    // a write changes the stat (size, mtime, ctime): read again, the poisoned entry is not used
    Files.writeString(ctx.resolve("a.txt"), "ONE");
    String edited = hash(r);
    assertNotEquals(plain, edited);
    Files.writeString(ctx.resolve("a.txt"), "one");
    assertEquals(plain, hash(r), "same content, new stat: the real digest");
    assertTrue(r.asked > 0);
  }
}
