package dev.strata.layer.snapshot;

import dev.strata.layer.Change;
import dev.strata.layer.LayerWriter;
import dev.strata.layer.Trees;
import dev.strata.layer.Unpacker;
import dev.strata.oci.Digest;
import dev.strata.posix.FileNames;
import dev.strata.posix.FileStat;
import dev.strata.posix.Posix;
import dev.strata.store.PrivateDirs;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Logger;

/**
 * The portable snapshotter: each chain of layers is flattened once into {@code chains/<chainID>}
 * (OCI image-spec config.md ChainID); a snapshot is a private copy of it, and the diff is a walk
 * comparing each path's {@link FileMeta} with what was recorded right after the copy. Needs no
 * mount and no user namespace.
 */
final class CopySnapshotter implements Snapshotter {
  private static final Logger LOG = Logger.getLogger(CopySnapshotter.class.getName());

  private final Path root;
  private final Path tmp;
  private final Path work;

  CopySnapshotter(Snapshotter.Dirs dirs) throws IOException {
    this.root = dirs.root().toAbsolutePath();
    this.tmp = PrivateDirs.create(dirs.tmp().toAbsolutePath());
    this.work = PrivateDirs.create(dirs.work().toAbsolutePath());
    PrivateDirs.create(this.root.resolve("chains"));
  }

  @Override
  public String name() {
    return "copy";
  }

  /** ChainID(L0) = DiffID(L0); ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln)). */
  static Digest chainId(Digest parent, Digest diffId) {
    if (parent == null) {
      return diffId;
    }
    return Digest.sha256((parent + " " + diffId).getBytes(StandardCharsets.UTF_8));
  }

  private Path chain(List<LayerRef> layers) throws IOException {
    Digest id = null;
    Path dir = null;
    for (LayerRef l : layers) {
      Path parentDir = dir;
      id = chainId(id, l.diffId());
      dir = root.resolve("chains").resolve(id.hex());
      synchronized (making(dir)) {
        if (!Files.isDirectory(dir)) {
          Path tmp = Files.createTempDirectory(this.tmp, "chain-");
          try {
            Files.delete(tmp);
            if (parentDir == null) {
              Files.createDirectory(tmp);
            } else {
              Trees.copy(parentDir, tmp, LOG::warning);
            }
            l.unpack(new Unpacker(Unpacker.Options.defaults().expecting(l.diffId(), null)), tmp);
            publish(tmp, dir);
          } finally {
            Trees.removeAll(tmp);
          }
        }
      }
    }
    return dir;
  }

  /** Renames {@code tmp} to {@code dir}; a concurrent build that got there first wins. */
  static void publish(Path tmp, Path dir) throws IOException {
    try {
      Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
    } catch (java.nio.file.FileSystemException e) {
      // EEXIST or ENOTEMPTY (which Java reports as a plain FileSystemException): another
      // process published the same diffID first: keep theirs
      if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        throw e;
      }
    }
  }

  private static final java.util.Map<Path, Object> MAKING =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * The lock of one unpacked directory in this JVM: stages that build at the same time from one
   * base would otherwise both unpack it (other processes still may; publish settles that).
   */
  static Object making(Path dir) {
    return MAKING.computeIfAbsent(dir, k -> new Object());
  }

  @Override
  public Snapshot prepare(List<LayerRef> layers) throws IOException {
    Path work = Files.createTempDirectory(this.work, "snap-");
    Path rootfs = work.resolve("rootfs");
    Path base = layers.isEmpty() ? null : chain(layers);
    if (base == null) {
      Files.createDirectory(rootfs);
    } else {
      Trees.copy(base, rootfs, LOG::warning);
    }
    Map<String, FileMeta> before = new HashMap<>();
    Map<String, List<String>> children = new HashMap<>();
    record(rootfs, "", before, children);
    return new CopySnapshot(work, rootfs, before, children);
  }

  private static void record(
      Path dir, String rel, Map<String, FileMeta> meta, Map<String, List<String>> children)
      throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path c : ds) {
        String name = FileNames.name(c);
        names.add(name);
        String path = rel + name;
        FileStat st = Posix.lstat(c);
        meta.put(path, FileMeta.of(c, st));
        if (st.isDirectory()) {
          record(c, path + "/", meta, children);
        }
      }
    }
    children.put(rel, names);
  }

  private static final class CopySnapshot implements Snapshot {
    private final Path work;
    private final Path rootfs;
    private final Map<String, FileMeta> before;
    private final Map<String, List<String>> childrenBefore;

    CopySnapshot(
        Path work,
        Path rootfs,
        Map<String, FileMeta> before,
        Map<String, List<String>> childrenBefore) {
      this.work = work;
      this.rootfs = rootfs;
      this.before = before;
      this.childrenBefore = childrenBefore;
    }

    @Override
    public Path rootfs() {
      return rootfs;
    }

    @Override
    public List<Change> changes(Set<String> mountPoints) throws IOException {
      TreeSet<Change> out = new TreeSet<>();
      walk(rootfs, "", false, out);
      out.removeIf(c -> mountPoints.contains(c.path()));
      return List.copyOf(out);
    }

    /** {@code allNew}: under a new or recreated directory, where everything is a change. */
    private void walk(Path dir, String rel, boolean allNew, TreeSet<Change> out)
        throws IOException {
      Set<String> now = new java.util.HashSet<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
        for (Path c : ds) {
          String name = FileNames.name(c);
          now.add(name);
          String path = rel + name;
          FileStat st = Posix.lstat(c);
          FileMeta meta = FileMeta.of(c, st);
          FileMeta old = allNew ? null : before.get(path);
          if (st.isDirectory()) {
            if (allNew || old == null) {
              out.add(new Change(path, Change.Kind.CHANGED));
              walk(c, path + "/", true, out);
            } else if (!old.isDirectory() || !old.sameInode(meta)) {
              out.add(new Change(path, Change.Kind.OPAQUE)); // replaced what was there
              walk(c, path + "/", true, out);
            } else {
              if (!old.sameDirectoryEntry(meta)) {
                out.add(new Change(path, Change.Kind.CHANGED));
              }
              walk(c, path + "/", false, out);
            }
          } else if (old == null || !old.equals(meta)) {
            out.add(new Change(path, Change.Kind.CHANGED));
          }
        }
      }
      if (!allNew) {
        for (String name : childrenBefore.getOrDefault(rel, List.of())) {
          if (!now.contains(name)) {
            out.add(new Change(rel + name, Change.Kind.DELETED));
          }
        }
      }
    }

    @Override
    public LayerWriter.Written writeLayer(
        LayerWriter writer, Set<String> mountPoints, OutputStream out) throws IOException {
      return writer.writeChanges(rootfs, changes(mountPoints), out);
    }

    @Override
    public void close() throws IOException {
      Trees.removeAll(work);
    }
  }
}
