package dev.strata.posix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PosixTest {
  @TempDir Path dir;

  @Test
  void lstat_seesSymlinkItself_andNanoTimes() throws Exception {
    Path f = Files.writeString(dir.resolve("f"), "hello");
    Path l = Files.createSymbolicLink(dir.resolve("l"), f);
    Posix.lutimes(f, 1_700_000_000L, 123_456_789);
    Posix.lutimes(l, 1_600_000_000L, 5);
    FileStat fs = Posix.lstat(f);
    FileStat ls = Posix.lstat(l);
    assertTrue(fs.isRegularFile());
    assertEquals(5, fs.size());
    assertEquals(1_700_000_000L, fs.mtimeSec());
    assertEquals(123_456_789, fs.mtimeNsec());
    assertTrue(ls.isSymlink());
    assertEquals(1_600_000_000L, ls.mtimeSec());
    assertEquals(5, ls.mtimeNsec());
    assertEquals(Files.getAttribute(f, "unix:ino"), fs.ino(), "ino must match what java.nio reads");
    assertEquals(1, fs.nlink());
    Files.createLink(dir.resolve("h"), f);
    assertEquals(2, Posix.lstat(f).nlink());
  }

  @Test
  void lstatOrNull_nullForNothingThere_errorForWorse() throws Exception {
    Path f = dir.resolve("f");
    assertNull(Posix.lstatOrNull(f));
    Files.writeString(f, "345601");
    assertEquals(6, Posix.lstatOrNull(f).size());
    assertThrows(PosixException.class, () -> Posix.lstatOrNull(f.resolve("not-a-dir")));
  }

  @Test
  void chmod_keepsSetuidAndSticky() throws Exception {
    Path f = Files.writeString(dir.resolve("f"), "x");
    Posix.chmod(f, 04755);
    assertEquals(04755, Posix.lstat(f).permissions());
    Path d = Files.createDirectory(dir.resolve("d"));
    Posix.chmod(d, 01777);
    assertEquals(01777, Posix.lstat(d).permissions());
  }

  @Test
  void whiteoutAndFifo() throws Exception {
    Path w = dir.resolve("w");
    Posix.mkWhiteout(w);
    assertTrue(Posix.lstat(w).isWhiteout());
    Path p = dir.resolve("p");
    Posix.mkfifo(p, 0644);
    assertEquals(FileStat.S_IFIFO, Posix.lstat(p).type());
  }

  @Test
  void xattrs_roundTripBinaryValues() throws Exception {
    Path f = Files.writeString(dir.resolve("f"), "x");
    byte[] v = {0, 1, (byte) 0xff, (byte) 0x80, 42};
    Posix.lsetxattr(f, "user.strata.test", v);
    assertArrayEquals(v, Posix.lgetxattr(f, "user.strata.test"));
    assertTrue(Posix.llistxattr(f).contains("user.strata.test"));
    Posix.lremovexattr(f, "user.strata.test");
    assertNull(Posix.lgetxattr(f, "user.strata.test"));
  }

  @Test
  void errorsNameCallPathAndErrno() {
    PosixException e =
        assertThrows(PosixException.class, () -> Posix.lstat(dir.resolve("missing")));
    assertEquals(Errno.ENOENT, e.errno());
    assertTrue(
        e.getMessage().contains("missing") && e.getMessage().contains("ENOENT"), e.getMessage());
  }

  @Test
  void makedev_matchesGlibc() {
    assertEquals(0, Posix.makedev(0, 0));
    assertEquals((1L << 8) | 3, Posix.makedev(1, 3)); // /dev/null is 1:3
  }
}
