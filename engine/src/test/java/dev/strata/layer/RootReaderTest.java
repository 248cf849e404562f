package dev.strata.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.posix.FileStat;
import dev.strata.posix.Posix;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Resolution inside a root as if it were / (BuildKit fsutil, continuity fs.RootPath), both ways of
 * pinning directories: openat2 RESOLVE_IN_ROOT and the O_NOFOLLOW walk. A canary beside the root
 * and one at the same absolute path as a link names must never be what a read finds.
 */
class RootReaderTest {
  @TempDir Path tmp;
  Path root;
  Path outside;

  @BeforeEach
  void tree() throws IOException {
    root = Files.createDirectory(tmp.resolve("root"));
    outside = Files.createDirectory(tmp.resolve("outside"));
    Files.writeString(outside.resolve("canary"), "CANARY-outside");
    Files.writeString(tmp.resolve("beside"), "CANARY-beside");
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(root.resolve("etc/passwd"), "inside");
    Files.createDirectories(root.resolve("dir/deep"));
    Files.writeString(root.resolve("dir/file"), "file");
    Files.writeString(root.resolve("file"), "top");
    Files.writeString(root.resolve("secret.txt"), "secret");
    Files.createDirectories(root.resolve("ignored"));
    Files.writeString(root.resolve("ignored/x"), "x");
    link("etcl", "/etc");
    link("up", "..");
    link("self", ".");
    link("abs", "/dir/file");
    link("hostabs", outside.resolve("canary").toString());
    link("hostdir", outside.toString());
    link("chain1", "chain2");
    link("chain2", "chain3");
    link("chain3", "dir");
    link("loop1", "loop2");
    link("loop2", "loop1");
    link("dangling", "nowhere");
    link("dir/deep/up3", "../../../..");
    link("dir/rel", "../etc");
    link("toSecret", "secret.txt");
    link("toIgnored", "ignored");
  }

  private void link(String at, String target) throws IOException {
    Files.createSymbolicLink(root.resolve(at), Path.of(target));
  }

  /** secret.txt and the ignored directory are hidden, as .dockerignore hides them. */
  private RootReader reader(boolean openat2) throws IOException {
    return new RootReader(
        root, (p, dir) -> p.equals("secret.txt") || p.startsWith("ignored"), openat2);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        // a plain path
        Arguments.of("dir/file", true, "dir/file"),
        // a mid-path link to /etc is the root's /etc, never the host's
        Arguments.of("etcl/passwd", true, "etc/passwd"),
        Arguments.of("/etcl/passwd", false, "etc/passwd"),
        // ".." through a link stops at the root: "up" is the root itself
        Arguments.of("up/file", true, "file"),
        Arguments.of("up/up/up/beside", true, null),
        Arguments.of("../../beside", true, null),
        Arguments.of("dir/deep/up3/file", true, "file"),
        // the root itself, through "." links
        Arguments.of("self", true, ""),
        Arguments.of("self/self/dir/file", true, "dir/file"),
        Arguments.of(".", true, ""),
        // an absolute target is taken from the root
        Arguments.of("abs", true, "dir/file"),
        Arguments.of("dir/rel/passwd", true, "etc/passwd"),
        // a host path as target names the same path under the root: nothing there
        Arguments.of("hostabs", true, null),
        Arguments.of("hostdir/canary", true, null),
        // the last link is followed only when asked
        Arguments.of("abs", false, "abs"),
        Arguments.of("dangling", false, "dangling"),
        Arguments.of("dangling", true, null),
        // chains
        Arguments.of("chain1/file", true, "dir/file"),
        Arguments.of("chain1", true, "dir"),
        Arguments.of("chain1", false, "chain1"),
        // a file in the middle names nothing
        Arguments.of("file/x", true, null),
        Arguments.of("missing/x", true, null),
        // hidden entries are absent, through whatever link reaches them
        Arguments.of("secret.txt", true, null),
        Arguments.of("self/secret.txt", true, null),
        Arguments.of("toSecret", true, null),
        Arguments.of("toSecret", false, "toSecret"),
        Arguments.of("toIgnored/x", true, null),
        Arguments.of("up/ignored/x", true, null));
  }

  @ParameterizedTest(name = "openat2={0}")
  @ValueSource(booleans = {true, false})
  void resolvesEveryCaseInsideTheRoot(boolean openat2) throws Exception {
    try (RootReader r = reader(openat2)) {
      for (Arguments a : cases().toList()) {
        Object[] row = a.get();
        String got = r.find((String) row[0], (Boolean) row[1]);
        assertEquals(row[2], got, "find(" + row[0] + ", followLast=" + row[1] + ")");
      }
    }
  }

  @ParameterizedTest(name = "openat2={0}")
  @ValueSource(booleans = {true, false})
  void aLinkLoopIsAnErrorNamingThePath(boolean openat2) throws Exception {
    try (RootReader r = reader(openat2)) {
      LayerException e = assertThrows(LayerException.class, () -> r.find("loop1/x", true));
      assertTrue(e.getMessage().contains("loop1/x"), e.getMessage());
      assertTrue(e.getMessage().contains("too many levels of symbolic links"), e.getMessage());
    }
  }

  @ParameterizedTest(name = "openat2={0}")
  @ValueSource(booleans = {true, false})
  void readsGoThroughPinnedDirectories(boolean openat2) throws Exception {
    try (RootReader r = reader(openat2)) {
      assertEquals(openat2 && kernelHasOpenat2(), r.usesOpenat2());
      assertEquals("inside", read(r, r.find("etcl/passwd", true)));
      assertEquals(List.of("deep", "file", "rel"), r.list(r.find("chain1", true)));
      assertEquals("../etc", r.readlink("dir/rel"));
      assertTrue(r.lstat("dir/rel").isSymlink());
      assertNull(r.lstat("dir/none"));
      assertTrue(r.at("dir/file").toString().startsWith("/proc/self/fd/"));
    }
  }

  @ParameterizedTest(name = "openat2={0}")
  @ValueSource(booleans = {true, false})
  void onlyRegularFilesAreOpened(boolean openat2) throws Exception {
    Posix.mkfifo(root.resolve("fifo"), 0600);
    try (RootReader r = reader(openat2)) {
      // a FIFO would block open(2) until a writer came: it is refused unopened
      IOException e =
          assertTimeoutPreemptively(
              Duration.ofSeconds(10),
              () -> assertThrows(IOException.class, () -> r.openFile("fifo")));
      assertTrue(
          e.getMessage().contains("fifo") && e.getMessage().contains("not a regular file"),
          e.getMessage());
      assertThrows(IOException.class, () -> r.openFile("abs")); // the link itself, never followed
      assertThrows(IOException.class, () -> r.openFile("dir"));
    }
  }

  /** A directory swapped for a link to the host after resolution: the read stays in the root. */
  @ParameterizedTest(name = "openat2={0}")
  @ValueSource(booleans = {true, false})
  void aDirectorySwappedForAHostLinkIsNeverReadThrough(boolean openat2) throws Exception {
    Files.createDirectories(root.resolve("swap"));
    Files.writeString(root.resolve("swap/canary"), "inside");
    try (RootReader r = reader(openat2)) {
      String found = r.find("swap/canary", true);
      assertEquals("swap/canary", found);
      Files.delete(root.resolve("swap/canary"));
      Files.delete(root.resolve("swap"));
      Files.createSymbolicLink(root.resolve("swap"), outside); // outside/canary exists
      FileStat st = null;
      try {
        st = r.lstat(found);
      } catch (IOException e) {
        // the walk refuses the link (ELOOP/ENOTDIR): fine
      }
      assertNull(st, "lstat went through the swapped-in link to " + outside);
      assertThrows(IOException.class, () -> r.openFile(found));
      List<String> names;
      try {
        names = r.list("swap");
      } catch (IOException e) {
        names = List.of();
      }
      assertFalse(names.contains("canary"), "listed " + outside + " through the swapped-in link");
    }
  }

  @Test
  void theFallbackIsForcedWhenAsked() throws Exception {
    try (RootReader r = reader(false)) {
      assertFalse(r.usesOpenat2());
    }
  }

  private static boolean kernelHasOpenat2() {
    String[] v = System.getProperty("os.version").split("[.-]");
    int major = Integer.parseInt(v[0]);
    int minor = Integer.parseInt(v[1]);
    return major > 5 || (major == 5 && minor >= 6);
  }

  private static String read(RootReader r, String rel) throws IOException {
    try (FileChannel ch = r.openFile(rel)) {
      ByteBuffer b = ByteBuffer.allocate((int) ch.size());
      while (b.hasRemaining() && ch.read(b) > 0) {}
      return new String(b.array(), StandardCharsets.UTF_8);
    }
  }
}
