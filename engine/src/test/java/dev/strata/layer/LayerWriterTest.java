package dev.strata.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.strata.codec.Compression;
import dev.strata.oci.Digest;
import dev.strata.posix.Posix;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LayerWriterTest {
  static final long EPOCH = 1_700_000_000L;
  @TempDir Path tmp;

  /** The same files, made in a different order at different times, in another directory. */
  private Path tree(String name, boolean reverse, long mtime) throws Exception {
    Path r = Files.createDirectory(tmp.resolve(name));
    List<String> files = List.of("etc/a.conf", "etc/b.conf", "usr/bin/tool", "usr/lib/x.so");
    for (int i = 0; i < files.size(); i++) {
      String f = files.get(reverse ? files.size() - 1 - i : i);
      Path p = r.resolve(f);
      Files.createDirectories(p.getParent());
      Files.writeString(p, "content of " + f);
    }
    Files.createSymbolicLink(r.resolve("usr/bin/alias"), Path.of("tool"));
    Files.createLink(r.resolve("usr/bin/tool2"), r.resolve("usr/bin/tool"));
    Posix.chmod(r.resolve("usr/bin/tool"), 0755);
    Posix.chmod(r.resolve("etc/a.conf"), 0644);
    Posix.chmod(r.resolve("etc/b.conf"), 0600);
    Posix.chmod(r.resolve("usr/lib/x.so"), 0644);
    for (String d : List.of("etc", "usr", "usr/bin", "usr/lib")) {
      Posix.chmod(r.resolve(d), 0755);
    }
    try (var s = Files.walk(r)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Posix.lutimes(p, mtime, reverse ? 999 : 1);
      }
    }
    return r;
  }

  private static LayerWriter.Written write(Path root, Compression c, Long epoch) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LayerWriter.Written w =
        new LayerWriter(new LayerWriter.Options(c, epoch)).writeTree(root, Set.of(), out);
    assertEquals(out.size(), w.size());
    assertEquals(Digest.sha256(out.toByteArray()), w.digest(), "digest of the bytes written");
    try (var in = Compression.decompressAny(new java.io.ByteArrayInputStream(out.toByteArray()))) {
      byte[] tar = in.readAllBytes();
      assertEquals(Digest.sha256(tar), w.diffId(), "diffID is the digest of the tar");
      assertEquals(tar.length, w.uncompressedSize());
    }
    return w;
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void sameInputs_sameDigest(Compression c) throws Exception {
    Path a = tree("a", false, EPOCH + 100);
    Path b = tree("b", true, EPOCH + 5000);
    LayerWriter.Written wa = write(a, c, EPOCH);
    LayerWriter.Written wb = write(b, c, EPOCH);
    assertEquals(wa.diffId(), wb.diffId());
    assertEquals(wa.digest(), wb.digest());
    assertEquals(wa.size(), wb.size());
    // Without the epoch the times differ, and so must the digests (the test can fail).
    assertNotEquals(write(a, c, null).diffId(), write(b, c, null).diffId());
  }

  @Test
  void entriesSortedByPath_parentsFirst_hardLinksKept() throws Exception {
    Path a = tree("a", false, EPOCH);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new LayerWriter(new LayerWriter.Options(Compression.NONE, null)).writeTree(a, Set.of(), out);
    var entries = RoundTripTest.entries(out.toByteArray());
    List<String> names = entries.stream().map(e -> e.name()).toList();
    assertEquals(
        List.of(
            "etc",
            "etc/a.conf",
            "etc/b.conf",
            "usr",
            "usr/bin",
            "usr/bin/alias",
            "usr/bin/tool",
            "usr/bin/tool2",
            "usr/lib",
            "usr/lib/x.so"),
        names);
    assertEquals('1', entries.get(7).type());
    assertEquals("usr/bin/tool", entries.get(7).linkName());
  }

  @Test
  void changes_writeWhiteoutsOpaqueMarkersAndParents() throws Exception {
    Path a = tree("a", false, EPOCH);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new LayerWriter(new LayerWriter.Options(Compression.NONE, EPOCH))
        .writeChanges(
            a,
            List.of(
                new Change("usr/lib/x.so", Change.Kind.CHANGED),
                new Change("usr/bin/gone", Change.Kind.DELETED),
                new Change("etc", Change.Kind.OPAQUE)),
            out);
    List<String> names =
        RoundTripTest.entries(out.toByteArray()).stream().map(e -> e.name()).toList();
    assertEquals(
        List.of(
            "etc",
            "etc/.wh..wh..opq",
            "usr",
            "usr/bin",
            "usr/bin/.wh.gone",
            "usr/lib",
            "usr/lib/x.so"),
        names);
  }
}
