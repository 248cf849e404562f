package dev.strata.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.posix.Errno;
import dev.strata.posix.PosixException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pinned directory fds, both ways of opening them: openat2 RESOLVE_IN_ROOT and the O_NOFOLLOW walk.
 */
class ScopedRootTest {
  @TempDir Path tmp;
  Path root;
  Path outside;

  @BeforeEach
  void setUp() throws IOException {
    root = Files.createDirectory(tmp.resolve("root"));
    outside = Files.createDirectory(tmp.resolve("outside"));
    Files.writeString(outside.resolve("secret"), "original");
  }

  @Test
  void thisKernelHasOpenat2() throws Exception {
    try (ScopedRoot s = new ScopedRoot(root)) {
      assertTrue(
          s.usesOpenat2(),
          "openat2 (Linux 5.6) missing on "
              + System.getProperty("os.version")
              + ": the O_NOFOLLOW walk is used instead");
    }
    try (ScopedRoot s = new ScopedRoot(root, false)) {
      assertFalse(s.usesOpenat2());
    }
  }

  @ParameterizedTest(name = "openat2={0}")
  @ValueSource(booleans = {true, false})
  void writesGoWhereTheNameSays(boolean openat2) throws Exception {
    Files.createDirectories(root.resolve("a/b"));
    try (ScopedRoot s = new ScopedRoot(root, openat2)) {
      Files.writeString(s.at(root.resolve("a/b/f")), "hello");
      Files.createDirectory(s.at(root.resolve("a/b/c")));
      assertTrue(s.at(root.resolve("a/b/f")).toString().startsWith("/proc/self/fd/"));
    }
    assertEquals("hello", Files.readString(root.resolve("a/b/f")));
    assertTrue(Files.isDirectory(root.resolve("a/b/c")));
  }

  /** A parent replaced by an absolute symlink to outside after the resolver looked. */
  @ParameterizedTest(name = "openat2={0}")
  @ValueSource(booleans = {true, false})
  void parentSwappedForSymlink_neverReachesOutside(boolean openat2) throws Exception {
    Files.createDirectories(root.resolve("a"));
    Files.delete(root.resolve("a"));
    Files.createSymbolicLink(root.resolve("a"), outside);
    try (ScopedRoot s = new ScopedRoot(root, openat2)) {
      // openat2 resolves /…/outside inside the root (absent there: ENOENT); the walk refuses
      // the symlink (ENOTDIR). Either way no fd to the real outside dir is ever opened.
      PosixException e =
          assertThrows(
              PosixException.class,
              () -> Files.writeString(s.at(root.resolve("a/secret")), "pwned"));
      assertTrue(e.errno() == (openat2 ? Errno.ENOENT : Errno.ENOTDIR), e.getMessage());
      assertThrows(PosixException.class, () -> s.removeAll(root.resolve("a/secret")));
    }
    assertEquals("original", Files.readString(outside.resolve("secret")));
  }

  @ParameterizedTest(name = "openat2={0}")
  @ValueSource(booleans = {true, false})
  void removeAll_deletesByFd_leavesLinkTargetsAlone(boolean openat2) throws Exception {
    Files.createDirectories(root.resolve("t/sub"));
    Files.writeString(root.resolve("t/sub/f"), "x");
    Files.createSymbolicLink(root.resolve("t/link"), outside);
    dev.strata.posix.Posix.chmod(root.resolve("t/sub"), 0500); // not writable: made so first
    try (ScopedRoot s = new ScopedRoot(root, openat2)) {
      s.removeAll(root.resolve("t"));
    }
    assertFalse(Files.exists(root.resolve("t")));
    assertEquals("original", Files.readString(outside.resolve("secret")));
  }

  @Test
  void pinnedDirectoryFollowsTheInodeNotTheName() throws Exception {
    Files.createDirectories(root.resolve("d"));
    try (ScopedRoot s = new ScopedRoot(root)) {
      Path first = s.at(root.resolve("d/one"));
      Files.writeString(first, "1");
      Files.move(root.resolve("d"), root.resolve("moved"));
      Files.createSymbolicLink(root.resolve("d"), outside);
      Files.writeString(s.at(root.resolve("d/two")), "2"); // the pin still holds the old dir
    }
    assertEquals("2", Files.readString(root.resolve("moved/two")));
    assertFalse(Files.exists(outside.resolve("two")));
  }
}
