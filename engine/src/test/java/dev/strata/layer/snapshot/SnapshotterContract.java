package dev.strata.layer.snapshot;

import dev.strata.codec.Compression;
import dev.strata.layer.LayerWriter;
import dev.strata.layer.Ownership;
import dev.strata.layer.Trees;
import dev.strata.layer.tar.TarEntry;
import dev.strata.layer.tar.TarReader;
import dev.strata.layer.tar.TarWriter;
import dev.strata.oci.Digest;
import dev.strata.posix.FileNames;
import dev.strata.posix.Posix;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The contract every {@link Snapshotter} meets: for each change below, a snapshot over the same two
 * base layers gives a layer with exactly the expected entries, and the same bytes whichever
 * snapshotter made it. Plain code (no JUnit) so that {@link ContractMain} can run it in a child JVM
 * inside a user + mount namespace for the overlay snapshotter.
 */
public final class SnapshotterContract {
  static final long EPOCH = 1_700_000_000L;
  static final long OLD = EPOCH - 100_000;
  static final Set<String> MOUNT_POINTS = Set.of("etc/resolv.conf", "etc/hosts", "proc", "dev");

  /** A change made in a rootfs and the layer entries it must give ("name type", sorted). */
  record Scenario(String name, Op op, List<String> expected) {}

  @FunctionalInterface
  interface Op {
    void apply(Path rootfs) throws IOException;
  }

  /** What one scenario gave: the diffID and the entries ("name type mode uid:gid [-> link]"). */
  record Outcome(String diffId, List<String> entries) {}

  private SnapshotterContract() {}

  static List<Scenario> scenarios() {
    List<Scenario> s = new ArrayList<>();
    s.add(
        new Scenario(
            "add", r -> write(r.resolve("etc/new"), "new", 0644), List.of("etc 5", "etc/new 0")));
    s.add(
        new Scenario(
            "modify",
            r -> write(r.resolve("etc/passwd"), "root:x:0:0::/:/bin/sh\n", -1),
            List.of("etc 5", "etc/passwd 0")));
    s.add(
        new Scenario(
            "chmod",
            r -> Posix.chmod(r.resolve("usr/bin/tool"), 04755),
            List.of("usr 5", "usr/bin 5", "usr/bin/tool 0")));
    s.add(
        new Scenario(
            "chown",
            r -> {
              Path f = r.resolve("home/u/file");
              Ownership.apply(f, Posix.lstat(f), 1234, 1235, false, w -> {});
            },
            List.of("home 5", "home/u 5", "home/u/file 0")));
    s.add(
        new Scenario(
            "deleteFile",
            r -> Files.delete(r.resolve("var/lib/dpkg/status")),
            List.of("var 5", "var/lib 5", "var/lib/dpkg 5", "var/lib/dpkg/.wh.status 0")));
    s.add(
        new Scenario(
            "deleteDir",
            r -> Trees.removeAll(r.resolve("var/lib/dpkg/info")),
            List.of("var 5", "var/lib 5", "var/lib/dpkg 5", "var/lib/dpkg/.wh.info 0")));
    s.add(
        new Scenario(
            "deleteFileOfUpperLayer",
            r -> Files.delete(r.resolve("usr/bin/tool2")),
            List.of("usr 5", "usr/bin 5", "usr/bin/.wh.tool2 0")));
    s.add(
        new Scenario(
            "replaceDirByFile",
            r -> {
              Trees.removeAll(r.resolve("srv/d"));
              write(r.resolve("srv/d"), "now a file", 0600);
            },
            List.of("srv 5", "srv/d 0")));
    s.add(
        new Scenario(
            "replaceFileByDir",
            r -> {
              Files.delete(r.resolve("etc/conf"));
              Files.createDirectory(r.resolve("etc/conf"));
              write(r.resolve("etc/conf/x"), "x", 0644);
            },
            List.of("etc 5", "etc/conf 5", "etc/conf/.wh..wh..opq 0", "etc/conf/x 0")));
    s.add(
        new Scenario(
            "opaqueDir",
            r -> {
              Trees.removeAll(r.resolve("data"));
              Files.createDirectory(r.resolve("data"));
              write(r.resolve("data/new"), "n", 0644);
            },
            List.of("data 5", "data/.wh..wh..opq 0", "data/new 0")));
    s.add(
        new Scenario(
            "hardLink",
            r -> Files.createLink(r.resolve("usr/bin/tool-link"), r.resolve("usr/bin/tool")),
            List.of("usr 5", "usr/bin 5", "usr/bin/tool 0", "usr/bin/tool-link 1")));
    s.add(
        new Scenario(
            "symlink",
            r -> Files.createSymbolicLink(r.resolve("etc/link"), Path.of("/etc/passwd")),
            List.of("etc 5", "etc/link 2")));
    s.add(
        new Scenario(
            "mountPointsNeverAppear",
            r -> {
              write(r.resolve("etc/resolv.conf"), "", 0644);
              write(r.resolve("etc/hosts"), "", 0644);
              Files.createDirectory(r.resolve("proc"));
              Files.createDirectory(r.resolve("dev"));
              write(r.resolve("etc/real"), "real", 0644);
            },
            List.of("etc 5", "etc/real 0")));
    s.add(
        new Scenario(
            "onlyMountPoints",
            r -> {
              write(r.resolve("etc/resolv.conf"), "", 0644);
              Files.createDirectory(r.resolve("proc"));
            },
            List.of()));
    s.add(
        new Scenario(
            "namesNotUtf8",
            r -> {
              Files.delete(FileNames.resolve(r, latin1("srv/caf\u00e9/old\u00e8")));
              write(FileNames.resolve(r, latin1("srv/caf\u00e9/n\u00ff")), "n", 0644);
              Files.createSymbolicLink(
                  FileNames.resolve(r, latin1("srv/l\u00e9")),
                  FileNames.path(latin1("caf\u00e9/n\u00ff")));
            },
            List.of(
                "srv 5",
                latin1("srv/caf\u00e9 5"),
                latin1("srv/caf\u00e9/.wh.old\u00e8 0"),
                latin1("srv/caf\u00e9/n\u00ff 0"),
                latin1("srv/l\u00e9 2"))));
    s.add(new Scenario("noChange", r -> {}, List.of()));
    return s;
  }

  /** The name whose bytes are {@code s} in Latin-1: not UTF-8 ({@link FileNames}). */
  static String latin1(String s) {
    return FileNames.decode(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static void write(Path p, String content, int mode) throws IOException {
    Files.writeString(p, content, StandardCharsets.UTF_8);
    if (mode >= 0) {
      Posix.chmod(p, mode);
    }
  }

  /** Two base layers: the second adds a file and hides one of the first. */
  static List<LayerRef> baseLayers() throws IOException {
    byte[] l1 =
        tar(
            w -> {
              dir(w, "data", 0755);
              file(w, "data/f1", "1", 0644, 0);
              file(w, "data/f2", "2", 0644, 0);
              dir(w, "etc", 0755);
              file(w, "etc/conf", "a=1", 0644, 0);
              file(w, "etc/conf-old", "old", 0644, 0);
              file(w, "etc/passwd", "root:x:0:0::/root:/bin/sh\n", 0644, 0);
              dir(w, "home", 0755);
              dir(w, "home/u", 0750);
              file(w, "home/u/file", "mine", 0640, 0);
              dir(w, "srv", 0755);
              dir(w, "srv/d", 0755);
              file(w, "srv/d/x", "x", 0644, 0);
              dir(w, latin1("srv/caf\u00e9"), 0755);
              file(w, latin1("srv/caf\u00e9/old\u00e8"), "old", 0644, 0);
              dir(w, "usr", 0755);
              dir(w, "usr/bin", 0755);
              file(w, "usr/bin/tool", "#!/bin/sh\n", 0755, 0);
              dir(w, "var", 0755);
              dir(w, "var/lib", 0755);
              dir(w, "var/lib/dpkg", 0755);
              dir(w, "var/lib/dpkg/info", 0755);
              file(w, "var/lib/dpkg/info/a.list", "/a", 0644, 0);
              file(w, "var/lib/dpkg/status", "ok", 0644, 0);
            });
    byte[] l2 =
        tar(
            w -> {
              dir(w, "etc", 0755);
              file(w, "etc/.wh.conf-old", "", 0, 0);
              dir(w, "usr", 0755);
              dir(w, "usr/bin", 0755);
              file(w, "usr/bin/tool2", "#!/bin/sh\n", 0755, 0);
            });
    // The first is a stream only; the second a file too, as a store blob is, which the
    // unpacker reads twice (Unpacker.unpackFile): each snapshotter meets both.
    Path l2File = Files.createTempFile("strata-contract-layer-", ".tar");
    l2File.toFile().deleteOnExit();
    Files.write(l2File, l2);
    return List.of(
        new LayerRef(Digest.sha256(l1), () -> new ByteArrayInputStream(l1)),
        new LayerRef(
            Digest.sha256(l2),
            new LayerRef.Source() {
              @Override
              public InputStream open() throws IOException {
                return Files.newInputStream(l2File);
              }

              @Override
              public Path file() {
                return l2File;
              }
            }));
  }

  private interface TarBody {
    void write(TarWriter w) throws IOException;
  }

  private static byte[] tar(TarBody body) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarWriter w = new TarWriter(out)) {
      body.write(w);
    }
    return out.toByteArray();
  }

  private static void dir(TarWriter w, String name, int mode) throws IOException {
    w.write(new TarEntry(name, TarEntry.DIR, mode, 0, 0, 0, OLD, 0, "", 0, 0, null), null);
  }

  private static void file(TarWriter w, String name, String content, int mode, int uid)
      throws IOException {
    byte[] b = content.getBytes(StandardCharsets.UTF_8);
    w.write(
        new TarEntry(name, TarEntry.FILE, mode, uid, uid, b.length, OLD, 0, "", 0, 0, null),
        new ByteArrayInputStream(b));
  }

  /** Runs every scenario on {@code s}, each in a fresh snapshot. */
  static Map<String, Outcome> run(Snapshotter s) throws IOException {
    List<LayerRef> base = baseLayers();
    Map<String, Outcome> out = new LinkedHashMap<>();
    LayerWriter writer = new LayerWriter(new LayerWriter.Options(Compression.NONE, EPOCH));
    for (Scenario sc : scenarios()) {
      try (Snapshot snap = s.prepare(base)) {
        sc.op().apply(snap.rootfs());
        ByteArrayOutputStream layer = new ByteArrayOutputStream();
        LayerWriter.Written w = snap.writeLayer(writer, MOUNT_POINTS, layer);
        out.put(sc.name(), new Outcome(w.diffId().toString(), entries(layer.toByteArray())));
      } catch (IOException | RuntimeException e) {
        throw new IOException(s.name() + " snapshotter, scenario " + sc.name() + ": " + e, e);
      }
    }
    return out;
  }

  static List<String> entries(byte[] tar) throws IOException {
    TarReader r = new TarReader(new ByteArrayInputStream(tar));
    List<String> out = new ArrayList<>();
    for (TarEntry e = r.next(); e != null; e = r.next()) {
      out.add(
          e.name()
              + " "
              + e.type()
              + " "
              + Integer.toOctalString(e.mode())
              + " "
              + e.uid()
              + ":"
              + e.gid()
              + (e.linkName().isEmpty() ? "" : " -> " + e.linkName()));
    }
    return out;
  }

  /** "name type" of each entry, what {@link Scenario#expected} lists. */
  static List<String> namesAndTypes(List<String> entries) {
    return entries.stream()
        .map(
            e -> {
              String[] f = e.split(" ");
              return f[0] + " " + f[1];
            })
        .toList();
  }
}
