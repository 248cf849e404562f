package dev.strata.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.posix.Errno;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Reflink or copy, decided once per tree copy. The fallback is tested on whatever filesystem holds
 * the temp dir (ext4 on the project machine); the clone path needs a reflink-capable filesystem
 * (xfs with reflink=1, btrfs), given as {@code -Dstrata.test.reflinkDir=DIR}: scripts/test, as
 * root, mounts an xfs image there (/var/tmp/strata-reflink); without one the test fails saying so.
 */
class FileClonerTest {
  static final int FILES = 40;
  @TempDir Path tmp;

  /** Files of several sizes (0 bytes to 3 MiB), some in subdirectories, one hard-linked. */
  static Path tree(Path at) throws Exception {
    Path src = Files.createDirectories(at.resolve("src"));
    Random r = new Random(42);
    for (int i = 0; i < FILES; i++) {
      Path f = src.resolve((i % 4 == 0 ? "sub/" : "") + "f" + i);
      Files.createDirectories(f.getParent());
      byte[] b = new byte[i == 0 ? 0 : r.nextInt(i % 10 == 9 ? 3 << 20 : 70_000)];
      r.nextBytes(b);
      Files.write(f, b);
    }
    Files.createLink(src.resolve("hard"), src.resolve("f1"));
    return src;
  }

  static void assertSameContent(Path src, Path dst) throws Exception {
    try (var s = Files.walk(src)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path q = dst.resolve(src.relativize(p).toString());
        if (Files.isRegularFile(p)) {
          assertArrayEquals(Files.readAllBytes(p), Files.readAllBytes(q), q.toString());
        }
      }
    }
  }

  static String fsType(Path p) throws Exception {
    Process pr = new ProcessBuilder("stat", "-f", "-c", "%T", p.toString()).start();
    String t = new String(pr.getInputStream().readAllBytes()).trim();
    assertEquals(0, pr.waitFor(), "stat -f " + p);
    return t;
  }

  @Test
  void withoutReflinks_oneProbe_thenPlainCopies_sameBytes() throws Exception {
    String fs = fsType(tmp);
    // The filesystems this runs on in CI and on the project machine have no FICLONE.
    assertTrue(
        List.of("ext2/ext3", "ext4", "tmpfs", "overlayfs").contains(fs),
        "temp dir " + tmp + " is on " + fs + ": run this test where it has no reflinks");
    Path src = tree(tmp);
    FileCloner c = new FileCloner();
    Trees.copy(src, tmp.resolve("dst"), m -> {}, c);
    assertEquals(FileCloner.Mode.COPY, c.mode());
    assertEquals(1, c.cloneAttempts(), "decided at the first file, not asked per file");
    assertEquals(FILES, c.copied()); // the hard link is linked, not copied
    assertEquals(0, c.cloned());
    assertSameContent(src, tmp.resolve("dst"));
    assertTrue(Files.isSameFile(tmp.resolve("dst/hard"), tmp.resolve("dst/f1")));
  }

  @Test
  void copyOnly_neverAsks() throws Exception {
    Path src = tree(tmp);
    FileCloner c = FileCloner.copyOnly();
    Trees.copy(src, tmp.resolve("dst"), m -> {}, c);
    assertEquals(0, c.cloneAttempts());
    assertEquals(FILES, c.copied());
    assertSameContent(src, tmp.resolve("dst"));
  }

  @ParameterizedTest(name = "errno {0} means no reflink here: {1}")
  @CsvSource({
    Errno.ENOTSUP + ", true", // ext4, tmpfs: no remap_file_range
    Errno.EXDEV + ", true", // source and copy on different filesystems
    Errno.EINVAL + ", true", // xfs without reflink=1, unaligned ranges
    Errno.ENOTTY + ", true", // a filesystem that knows no such ioctl
    Errno.EACCES + ", false", // a real error: reported
    Errno.EPERM + ", false",
    Errno.ENOENT + ", false",
  })
  void unsupportedErrnos(int errno, boolean unsupported) {
    assertEquals(unsupported, FileCloner.unsupported(errno));
  }

  /** On a reflink filesystem: every file cloned, same bytes, and the clone is copy-on-write. */
  @Test
  void withReflinks_everyFileCloned_sameBytes_copyOnWrite() throws Exception {
    String dir = System.getProperty("strata.test.reflinkDir", "");
    if (dir.isEmpty() || !Files.isDirectory(Path.of(dir))) {
      org.junit.jupiter.api.Assertions.fail(
          "the clone path needs a reflink-capable filesystem: give a directory on one as"
              + " -Dstrata.test.reflinkDir=DIR (scripts/test, as root, mounts an xfs image with reflink=1"
              + " at /var/tmp/strata-reflink; apt-get install xfsprogs)");
    }
    Path at = Files.createTempDirectory(Path.of(dir), "cloner-");
    try {
      Path src = tree(at);
      FileCloner c = new FileCloner();
      Trees.copy(src, at.resolve("dst"), m -> {}, c);
      assertEquals(FileCloner.Mode.REFLINK, c.mode(), "on " + fsType(at));
      assertEquals(FILES, c.cloned());
      assertEquals(0, c.copied());
      assertSameContent(src, at.resolve("dst"));
      byte[] before = Files.readAllBytes(src.resolve("f9"));
      Files.write(
          at.resolve("dst/f9"), new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
      assertArrayEquals(before, Files.readAllBytes(src.resolve("f9")), "writing the clone");
      assertFalse(Files.isSameFile(src.resolve("f9"), at.resolve("dst/f9")));
    } finally {
      Trees.removeAll(at);
    }
  }
}
