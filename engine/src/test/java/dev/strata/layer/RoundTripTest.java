package dev.strata.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.codec.Compression;
import dev.strata.layer.tar.TarEntry;
import dev.strata.layer.tar.TarReader;
import dev.strata.layer.tar.TarWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unpack, re-pack, compare: the file set, modes, owners, xattrs and links survive. Run in a child
 * JVM in a user namespace with one id mapped (0 -> the caller), as Strata runs without subuid
 * ranges: owner 0 is applied, other owners are recorded ({@link Ownership}).
 */
public class RoundTripTest {
  @TempDir Path tmp;

  @Test
  void busyboxFixture_unpackThenRepack_sameListing() throws Exception {
    InUserNamespace.run("--map-root-user", RoundTripTest.class, "busybox", tmp.toString());
  }

  @Test
  void richLayer_unpackThenRepack_sameEntries() throws Exception {
    InUserNamespace.run("--map-root-user", RoundTripTest.class, "rich", tmp.toString());
  }

  /**
   * Real Debian layers: {@code golang.tar} (852 MB, made by scripts/fixtures/make-debian.sh, which
   * scripts/test runs) from {@code -Dstrata.bases=DIR}, else from the fixtures dir. A missing
   * tarball fails, naming it.
   */
  @Test
  void debianBase_unpackThenRepack_sameListing() throws Exception {
    String bases = System.getProperty("strata.bases", "");
    Path golang =
        bases.isEmpty()
            ? Path.of(
                System.getProperty("strata.fixtures", "/var/tmp/strata-fixtures"), "golang.tar")
            : Path.of(bases, "golang.tar");
    assertTrue(
        Files.isRegularFile(golang),
        "missing " + golang + " (SKIP_DEBIAN=1 scripts/fixtures/make-debian.sh DIR makes it)");
    String out =
        InUserNamespace.run(
            "--map-root-user", RoundTripTest.class, "file", tmp.toString(), golang.toString());
    System.out.println(out);
  }

  /** The documented limit: a symlink's owner that cannot be applied is lost, with a warning. */
  @Test
  void unmappableSymlinkOwner_isWarnedAbout() throws Exception {
    InUserNamespace.run("--map-root-user", RoundTripTest.class, "symlinkOwner", tmp.toString());
  }

  static void symlinkOwner(Path tmp) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarWriter w = new TarWriter(bytes)) {
      w.write(e("l", TarEntry.SYMLINK, 0777, 1000, 1000, "target", Map.of()), null);
    }
    Path root = Files.createDirectory(tmp.resolve("root"));
    Unpacker.Result r =
        new Unpacker(Unpacker.Options.defaults())
            .unpack(new ByteArrayInputStream(bytes.toByteArray()), root);
    assertEquals(1, r.warnings().size(), r.warnings().toString());
    assertTrue(
        r.warnings().get(0).contains("1000:1000") && r.warnings().get(0).contains("lost"),
        r.warnings().get(0));
  }

  /** Entry point of the child JVM: {@code busybox|rich|symlinkOwner TMPDIR}. */
  public static void main(String[] args) throws Exception {
    try {
      switch (args[0]) {
        case "busybox" -> busybox(Path.of(args[1]));
        case "rich" -> rich(Path.of(args[1]));
        case "file" -> roundTrip(Path.of(args[2]), Path.of(args[1]));
        default -> symlinkOwner(Path.of(args[1]));
      }
      System.out.println("round trip ok");
    } catch (Throwable t) {
      t.printStackTrace(System.out);
      System.exit(1);
    }
  }

  static void busybox(Path tmp) throws Exception {
    List<String> want = roundTrip(Fixtures.require("busybox.tar"), tmp);
    assertTrue(want.size() > 250, "busybox has its applet links: " + want.size());
  }

  /**
   * Unpacks {@code fixture}, re-packs the tree and compares GNU tar listings; entries the unpacker
   * had to skip (device nodes in a user namespace) are named in its warnings and left out of the
   * comparison. Returns the listing.
   */
  static List<String> roundTrip(Path fixture, Path tmp) throws Exception {
    Path root = Files.createDirectory(tmp.resolve("root"));
    Unpacker.Result r;
    try (InputStream in = Files.newInputStream(fixture)) {
      r = new Unpacker(Unpacker.Options.defaults()).unpack(in, root);
    }
    assertEquals(Files.size(fixture), r.size());
    Path repacked = tmp.resolve("repacked.tar");
    try (OutputStream out = Files.newOutputStream(repacked)) {
      new LayerWriter(new LayerWriter.Options(Compression.NONE, null))
          .writeTree(root, Set.of(), out);
    }
    List<String> want = new ArrayList<>(Fixtures.tarListing(fixture));
    want.removeIf(
        line ->
            r.warnings().stream()
                .anyMatch(
                    w ->
                        w.startsWith("skipped ")
                            && line.endsWith(
                                " "
                                    + w.replaceFirst(
                                            "^skipped (char|block) device [0-9:]+ (\\./)?", "")
                                        .replaceFirst(": .*", ""))));
    List<String> got = Fixtures.tarListing(repacked);
    if (!want.equals(got)) {
      List<String> missing = new ArrayList<>(want);
      missing.removeAll(got);
      List<String> extra = new ArrayList<>(got);
      extra.removeAll(want);
      throw new AssertionError(
          "re-packed listing of "
              + fixture
              + " differs ("
              + want.size()
              + " vs "
              + got.size()
              + " entries)\nonly in the original:\n  "
              + String.join("\n  ", missing.subList(0, Math.min(15, missing.size())))
              + "\nonly in the re-pack:\n  "
              + String.join("\n  ", extra.subList(0, Math.min(15, extra.size()))));
    }
    System.out.println(
        "round trip of "
            + fixture
            + ": "
            + want.size()
            + " entries equal; "
            + r.warnings().size()
            + " warnings");
    return want;
  }

  /**
   * A layer with what busybox lacks: owners, setuid, sticky, xattrs, hard links, fifo, ns. Owner
   * 1000 cannot be applied with one id mapped; it is recorded, and comes back on re-pack.
   */
  static void rich(Path tmp) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    byte[] cap = {1, 0, 0, 2, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    try (TarWriter w = new TarWriter(bytes)) {
      w.write(e("home", TarEntry.DIR, 0755, 0, 0, "", Map.of()), null);
      w.write(e("home/u", TarEntry.DIR, 0700, 1000, 1000, "", Map.of("user.note", cap)), null);
      w.write(
          file("home/u/a", 04750, 1000, 100, "hello", Map.of("user.mime", bytes("text"))),
          in("hello"));
      w.write(e("home/u/b", TarEntry.HARDLINK, 04750, 1000, 100, "home/u/a", Map.of()), null);
      w.write(e("home/u/fifo", TarEntry.FIFO, 0640, 0, 0, "", Map.of()), null);
      w.write(e("home/u/link", TarEntry.SYMLINK, 0777, 0, 0, "../../tmp", Map.of()), null);
      w.write(e("tmp", TarEntry.DIR, 01777, 0, 0, "", Map.of()), null);
    }
    Path root = Files.createDirectory(tmp.resolve("root"));
    new Unpacker(Unpacker.Options.defaults())
        .unpack(new ByteArrayInputStream(bytes.toByteArray()), root);
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    new LayerWriter(new LayerWriter.Options(Compression.NONE, null))
        .writeTree(root, Set.of(), again);
    List<TarEntry> want = entries(bytes.toByteArray());
    List<TarEntry> got = entries(again.toByteArray());
    assertEquals(want.size(), got.size());
    for (int i = 0; i < want.size(); i++) {
      assertSame(want.get(i), got.get(i));
    }
  }

  private static void assertSame(TarEntry w, TarEntry g) {
    String n = w.name();
    assertEquals(w.name(), g.name());
    assertEquals(w.type(), g.type(), n);
    assertEquals(Integer.toOctalString(w.mode()), Integer.toOctalString(g.mode()), n);
    assertEquals(w.uid() + ":" + w.gid(), g.uid() + ":" + g.gid(), n + " owner");
    assertEquals(w.size(), g.size(), n);
    assertEquals(w.mtimeSec() + "." + w.mtimeNsec(), g.mtimeSec() + "." + g.mtimeNsec(), n);
    assertEquals(w.linkName(), g.linkName(), n);
    assertEquals(w.xattrs().keySet(), g.xattrs().keySet(), n + " xattrs");
    for (String k : w.xattrs().keySet()) {
      assertArrayEquals(w.xattrs().get(k), g.xattrs().get(k), n + " " + k);
    }
  }

  static List<TarEntry> entries(byte[] tar) throws Exception {
    TarReader r = new TarReader(new ByteArrayInputStream(tar));
    List<TarEntry> out = new ArrayList<>();
    for (TarEntry e = r.next(); e != null; e = r.next()) {
      out.add(e);
    }
    return out;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static InputStream in(String s) {
    return new ByteArrayInputStream(bytes(s));
  }

  private static TarEntry e(
      String name, char type, int mode, int uid, int gid, String link, Map<String, byte[]> xattrs) {
    return new TarEntry(
        name, type, mode, uid, gid, 0, 1_650_000_000L, 250_000_000, link, 0, 0, xattrs);
  }

  private static TarEntry file(
      String name, int mode, int uid, int gid, String content, Map<String, byte[]> xattrs) {
    return new TarEntry(
        name,
        TarEntry.FILE,
        mode,
        uid,
        gid,
        content.length(),
        1_650_000_000L,
        250_000_000,
        "",
        0,
        0,
        xattrs);
  }
}
