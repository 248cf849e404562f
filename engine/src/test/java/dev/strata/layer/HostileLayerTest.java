package dev.strata.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.oci.Digest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile corpus: each tarball, built here with commons-compress, is refused with the entry
 * named or contained in the root; after each case nothing outside the root has changed.
 */
class HostileLayerTest {
  @TempDir Path tmp;
  Path root;
  Path outside;
  Map<String, String> before;

  @BeforeEach
  void setUp() throws IOException {
    root = Files.createDirectory(tmp.resolve("root"));
    outside = Files.createDirectory(tmp.resolve("outside"));
    Files.writeString(outside.resolve("secret"), "original");
    before = snapshotOutsideRoot();
  }

  @AfterEach
  void nothingWrittenOutside() throws IOException {
    assertEquals(before, snapshotOutsideRoot(), "something outside the root changed");
  }

  /** Every path under tmp but root/**, with its type, size and content hash. */
  private Map<String, String> snapshotOutsideRoot() throws IOException {
    Map<String, String> m = new TreeMap<>();
    try (var s = Files.walk(tmp)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (p.startsWith(root) && !p.equals(root)) {
          continue;
        }
        String v =
            Files.isSymbolicLink(p)
                ? "link"
                : Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                    ? "dir"
                    : "file:" + Digest.sha256(Files.readAllBytes(p));
        m.put(tmp.relativize(p).toString(), v);
      }
    }
    return m;
  }

  /** Builds a tar with commons-compress; each spec is {name, type, linkOrContent}. */
  static byte[] tar(String[]... entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
      out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      for (String[] e : entries) {
        TarArchiveEntry t;
        switch (e[1]) {
          case "dir" -> t = new TarArchiveEntry(e[0] + "/", TarConstants.LF_DIR);
          case "sym" -> {
            t = new TarArchiveEntry(e[0], TarConstants.LF_SYMLINK);
            t.setLinkName(e[2]);
          }
          case "hard" -> {
            t = new TarArchiveEntry(e[0], TarConstants.LF_LINK);
            t.setLinkName(e[2]);
          }
          case "chr" -> {
            t = new TarArchiveEntry(e[0], TarConstants.LF_CHR);
            t.setDevMajor(1);
            t.setDevMinor(3);
          }
          default -> {
            t = new TarArchiveEntry(e[0], TarConstants.LF_NORMAL, true);
            t.setSize(e[2].length());
          }
        }
        out.putArchiveEntry(t);
        if (e[1].equals("file")) {
          out.write(e[2].getBytes(StandardCharsets.ISO_8859_1));
        }
        out.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }

  static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(b);
    }
    return out.toByteArray();
  }

  private Unpacker.Result unpack(byte[] layer) throws IOException {
    return unpack(layer, Unpacker.Options.defaults());
  }

  /** How the corpus is fed: a stream here, a file in {@link HostileLayerFileTest}. */
  Unpacker.Result unpack(byte[] layer, Unpacker.Options o) throws IOException {
    return new Unpacker(o).unpack(new ByteArrayInputStream(layer), root);
  }

  private void refused(byte[] layer, String entry, String why) {
    refused(layer, Unpacker.Options.defaults(), entry, why);
  }

  private void refused(byte[] layer, Unpacker.Options o, String entry, String why) {
    LayerException e = assertThrows(LayerException.class, () -> unpack(layer, o));
    assertTrue(e.getMessage().contains("\"" + entry + "\""), "names the entry: " + e.getMessage());
    assertTrue(e.getMessage().contains(why), "says why (" + why + "): " + e.getMessage());
  }

  @Test
  void dotDotClimbingAboveRoot_isRefused() throws IOException {
    refused(
        tar(new String[] {"../outside/secret", "file", "pwned"}),
        "../outside/secret",
        "climbs above the root");
    refused(
        tar(new String[] {"a/../../outside/secret", "file", "pwned"}),
        "a/../../outside/secret",
        "climbs above the root");
  }

  @Test
  void absoluteName_staysInRoot() throws IOException {
    unpack(tar(new String[] {outside.resolve("secret").toString(), "file", "pwned"}));
    assertEquals(
        "pwned",
        Files.readString(
            root.resolve(
                root.relativize(root).resolve(outside.resolve("secret").toString().substring(1)))));
  }

  @Test
  void symlinkThenWriteThroughIt_isContained() throws IOException {
    unpack(
        tar(
            new String[] {"abs", "sym", outside.toString()},
            new String[] {"abs/secret", "file", "pwned"},
            new String[] {"rel", "sym", "../../../../../../../../.." + outside},
            new String[] {"rel/secret2", "file", "pwned"}));
    // Both links are followed inside the root: the writes land under root/<outside path>.
    Path inRoot = root.resolve(outside.toString().substring(1));
    assertEquals("pwned", Files.readString(inRoot.resolve("secret")));
    assertEquals("pwned", Files.readString(inRoot.resolve("secret2")));
    assertTrue(Files.isSymbolicLink(root.resolve("abs")), "the link itself is kept");
  }

  @Test
  void symlinkInLowerLayer_isFollowedInsideRoot() throws IOException {
    unpack(tar(new String[] {"etc", "sym", outside.toString()}));
    unpack(tar(new String[] {"etc/secret", "file", "pwned"}));
    assertEquals(
        "pwned", Files.readString(root.resolve(outside.toString().substring(1)).resolve("secret")));
  }

  @Test
  void absoluteSymlinkChain_isContained() throws IOException {
    unpack(
        tar(
            new String[] {"a", "sym", "/b"},
            new String[] {"b", "sym", "/c/../../../.."},
            new String[] {"c", "dir", ""},
            new String[] {"d", "sym", "/a" + outside},
            new String[] {"d/secret", "file", "pwned"}));
    assertEquals(
        "pwned", Files.readString(root.resolve(outside.toString().substring(1)).resolve("secret")));
  }

  @Test
  void selfReferringAbsoluteLink_isRefusedNotFollowedOut() throws IOException {
    refused(
        tar(new String[] {"etc", "sym", "/etc"}, new String[] {"p", "hard", "etc/passwd"}),
        "p",
        "too many levels of symbolic links");
  }

  @Test
  void whiteoutsThroughSymlinks_neverDeleteOutside() throws IOException {
    for (Unpacker.Whiteouts mode : Unpacker.Whiteouts.values()) {
      unpack(
          tar(
              new String[] {"o" + mode, "sym", outside.toString()},
              new String[] {"o" + mode + "/.wh.secret", "file", ""},
              new String[] {"o" + mode + "/.wh..wh..opq", "file", ""},
              new String[] {"r" + mode, "sym", "../../../../../../.." + outside},
              new String[] {"r" + mode + "/.wh.secret", "file", ""}),
          Unpacker.Options.defaults().withWhiteouts(mode));
    }
    assertEquals("original", Files.readString(outside.resolve("secret")));
  }

  @Test
  void symlinkLoop_isRefused() throws IOException {
    refused(
        tar(
            new String[] {"x", "sym", "y"},
            new String[] {"y", "sym", "x"},
            new String[] {"x/f", "file", "z"}),
        "x/f",
        "too many levels of symbolic links");
  }

  @Test
  void fileOverSymlink_replacesTheLinkNotItsTarget() throws IOException {
    unpack(
        tar(
            new String[] {"f", "sym", outside.resolve("secret").toString()},
            new String[] {"f", "file", "pwned"}));
    assertFalse(Files.isSymbolicLink(root.resolve("f")));
    assertEquals("pwned", Files.readString(root.resolve("f")));
  }

  @Test
  void hardLinkToEtcPasswd_isRefused() throws IOException {
    refused(tar(new String[] {"passwd", "hard", "/etc/passwd"}), "passwd", "does not exist");
    refused(
        tar(new String[] {"p2", "hard", "../../../../etc/passwd"}), "p2", "climbs above the root");
    refused(
        tar(new String[] {"e", "sym", "/etc"}, new String[] {"p3", "hard", "e/passwd"}),
        "p3",
        "does not exist");
    refused(
        tar(new String[] {"o", "sym", outside.toString()}, new String[] {"p4", "hard", "o/secret"}),
        "p4",
        "does not exist");
  }

  @Test
  void hardLinkInsideLayer_isKept() throws IOException {
    unpack(tar(new String[] {"a", "file", "x"}, new String[] {"b", "hard", "a"}));
    assertEquals(
        Files.getAttribute(root.resolve("a"), "unix:ino"),
        Files.getAttribute(root.resolve("b"), "unix:ino"));
  }

  @Test
  void deviceWhereNotAllowed_isRefused() throws IOException {
    refused(
        tar(new String[] {"dev/null", "chr", ""}),
        Unpacker.Options.defaults().withDevices(Unpacker.Devices.REFUSE),
        "dev/null",
        "not allowed");
  }

  @Test
  void tenGigabytesOfZeros_isRefusedAtTheHeader() throws IOException {
    // The header declares 10 GiB; the stream is a few KB and is never inflated that far.
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
      out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      TarArchiveEntry e = new TarArchiveEntry("zeros");
      e.setSize(10L << 30);
      out.putArchiveEntry(e);
      out.write(new byte[1 << 20]); // only the first MiB; the limit must trip before it matters
      out.flush();
    } catch (IOException expectedShortEntry) {
      // commons-compress complains that the entry is short; the bytes so far are what we want
    }
    byte[] layer = bytes.toByteArray();
    assertTrue(layer.length < 64 * 1024, "a few KB: " + layer.length);
    refused(layer, Unpacker.Options.defaults().withMaxBytes(1L << 30), "zeros", "may not exceed");
  }

  @Test
  void manyZeroFilesAboveTheLimit_areRefusedWhileStreaming() throws IOException {
    String[][] entries = new String[40][];
    String mib = "\0".repeat(1 << 20);
    for (int i = 0; i < entries.length; i++) {
      entries[i] = new String[] {String.format("zero-%02d", i), "file", mib};
    }
    byte[] layer = gzip(tar(entries));
    assertTrue(layer.length < 200 * 1024, "compressed to " + layer.length);
    LayerException e =
        assertThrows(
            LayerException.class,
            () -> unpack(layer, Unpacker.Options.defaults().withMaxBytes(16L << 20)));
    assertTrue(e.getMessage().contains("zero-1"), "names an entry near 16 MiB: " + e.getMessage());
  }

  @Test
  void truncatedGzip_isRefusedNamingTheEntry() throws IOException {
    byte[] random = new byte[1 << 20];
    new java.util.Random(1).nextBytes(random);
    byte[] t =
        tar(
            new String[] {"first", "file", "ok"},
            new String[] {"big", "file", new String(random, StandardCharsets.ISO_8859_1)});
    byte[] z = gzip(t);
    byte[] cut = Arrays.copyOf(z, z.length / 2);
    LayerException e = assertThrows(LayerException.class, () -> unpack(cut));
    assertTrue(e.getMessage().contains("\"big\""), e.getMessage());
  }

  @Test
  void wrongDiffId_isRefused() throws IOException {
    byte[] t = tar(new String[] {"f", "file", "x"});
    Digest wrong = Digest.sha256("not this layer".getBytes(StandardCharsets.UTF_8));
    LayerException e =
        assertThrows(
            LayerException.class,
            () -> unpack(t, Unpacker.Options.defaults().expecting(wrong, null)));
    assertTrue(
        e.getMessage().contains("diffID mismatch") && e.getMessage().contains(wrong.toString()),
        e.getMessage());
  }

  @Test
  void rightDigests_areAccepted_andWrongCompressedDigestIsRefused() throws IOException {
    byte[] t = tar(new String[] {"f", "file", "x"});
    byte[] z = gzip(t);
    Unpacker.Result r =
        unpack(z, Unpacker.Options.defaults().expecting(Digest.sha256(t), Digest.sha256(z)));
    assertEquals(Digest.sha256(t), r.diffId());
    assertEquals(z.length, r.compressedSize());
    Digest wrong = Digest.sha256(t); // the diffID is not the blob digest of a gzip layer
    LayerException e =
        assertThrows(
            LayerException.class,
            () -> unpack(z, Unpacker.Options.defaults().expecting(null, wrong)));
    assertTrue(e.getMessage().contains("digest mismatch"), e.getMessage());
  }

  @Test
  void whiteouts_applyToLowerLayersOnly() throws IOException {
    unpack(
        tar(
            new String[] {"d", "dir", ""},
            new String[] {"d/old", "file", "1"},
            new String[] {"gone", "file", "1"}));
    unpack(
        tar(
            new String[] {".wh.gone", "file", ""},
            new String[] {"d", "dir", ""},
            new String[] {"d/.wh..wh..opq", "file", ""},
            new String[] {"d/new", "file", "2"}));
    assertFalse(Files.exists(root.resolve("gone")));
    assertEquals(List.of("new"), list(root.resolve("d")));
  }

  private static List<String> list(Path dir) throws IOException {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** Where the header of {@code name} starts in {@code tar}: an attack point between entries. */
  static int headerOf(byte[] tar, String name) {
    byte[] n = (name + "\0").getBytes(StandardCharsets.US_ASCII);
    for (int off = 0; off + 512 <= tar.length; off += 512) {
      if (Arrays.equals(tar, off, off + n.length, n, 0, n.length)) {
        return off;
      }
    }
    throw new AssertionError("no header for " + name);
  }

  /**
   * A stream that, once {@code after} bytes have been read, runs {@code attack}: a concurrent
   * process changing the tree mid-extraction, at a point the test chooses.
   */
  static InputStream racing(byte[] layer, int after, IoAction attack) {
    return new java.io.FilterInputStream(new ByteArrayInputStream(layer)) {
      int read;
      boolean done;

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (!done && read >= after) {
          done = true;
          attack.run();
        }
        int n = super.read(b, off, Math.min(len, done ? len : Math.max(1, after - read)));
        if (n > 0) {
          read += n;
        }
        return n;
      }
    };
  }

  interface IoAction {
    void run() throws IOException;
  }

  /**
   * The race a userspace walk loses: while d/big streams in, d (already known to be a directory) is
   * moved aside and replaced by a symlink to a directory outside; d/after must not follow it. The
   * old path-based unpacker wrote outside/after here. With pinned directory fds the write goes into
   * the directory first opened (now d.moved), inside the root, or is refused.
   */
  @Test
  void directorySwappedForSymlinkMidExtraction_writeStaysInside() throws IOException {
    String big = "x".repeat(256 * 1024);
    byte[] layer =
        tar(
            new String[] {"d", "dir", ""},
            new String[] {"d/big", "file", big},
            new String[] {"d/after", "file", "pwned"});
    Unpacker u = new Unpacker(Unpacker.Options.defaults());
    // between d/big (written and finished) and d/after
    try (InputStream in =
        racing(
            layer,
            headerOf(layer, "d/after"),
            () -> {
              Files.move(root.resolve("d"), root.resolve("d.moved"));
              Files.createSymbolicLink(root.resolve("d"), outside);
            })) {
      u.unpack(in, root);
    } catch (LayerException refused) {
      // refusing is as good as containing; nothing may be outside either way (checked after)
    }
    assertFalse(Files.exists(outside.resolve("after")), "followed the swapped-in symlink out");
    assertFalse(Files.exists(outside.resolve("big")));
  }

  /**
   * The same race against removal: the whiteout of d/secret must not delete outside/secret (the old
   * unpacker did: unlink followed the swapped-in d).
   */
  @Test
  void opaqueDirSwappedForSymlinkMidExtraction_deletesNothingOutside() throws IOException {
    Files.createDirectories(root.resolve("d"));
    Files.writeString(root.resolve("d/lower"), "from a lower layer");
    byte[] layer =
        tar(
            new String[] {"d/big", "file", "x".repeat(256 * 1024)},
            new String[] {"d/.wh..wh..opq", "file", ""},
            new String[] {"d/.wh.secret", "file", ""});
    try (InputStream in =
        racing(
            layer,
            headerOf(layer, "d/.wh..wh..opq"),
            () -> {
              Files.move(root.resolve("d"), root.resolve("d.moved"));
              Files.createSymbolicLink(root.resolve("d"), outside);
            })) {
      new Unpacker(Unpacker.Options.defaults()).unpack(in, root);
    } catch (LayerException refused) {
      // as above
    }
    assertEquals("original", Files.readString(outside.resolve("secret")));
  }
}
