package dev.strata.layer.snapshot;

import dev.strata.layer.Change;
import dev.strata.layer.LayerWriter;
import dev.strata.layer.Trees;
import dev.strata.layer.Unpacker;
import dev.strata.posix.FileNames;
import dev.strata.posix.FileStat;
import dev.strata.posix.FsMount;
import dev.strata.posix.Posix;
import dev.strata.posix.PosixException;
import dev.strata.store.PrivateDirs;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Logger;

/**
 * The overlayfs snapshotter: each layer is unpacked once into {@code layers/sha256/<diffID hex>}
 * with overlay whiteouts (char 0:0, opaque xattr); a snapshot mounts those as lower dirs under a
 * fresh upper dir, which after a RUN holds the diff. The diff turns overlay whiteouts into OCI
 * ones; a directory overlayfs copied up only to hold a changed child is not itself a change. Must
 * run where this process can mount overlayfs (a user + mount namespace, kernel >= 5.11).
 */
final class OverlaySnapshotter implements Snapshotter {
  private static final Logger LOG = Logger.getLogger(OverlaySnapshotter.class.getName());
  private static final int MAX_MOUNT_DATA = 4095; // one page, minus the NUL

  private final Path root;
  private final Path tmp;
  private final Path work;
  private final OverlaySupport support;

  OverlaySnapshotter(Snapshotter.Dirs dirs) throws IOException {
    this.root = dirs.root().toAbsolutePath();
    this.tmp = PrivateDirs.create(dirs.tmp().toAbsolutePath());
    this.work = PrivateDirs.create(dirs.work().toAbsolutePath());
    this.support = OverlaySupport.check(this.root, this.tmp);
    if (!support.supported()) {
      throw new IOException(
          "cannot mount overlayfs here (" + support.reason() + "); use --snapshotter copy");
    }
    PrivateDirs.create(this.root.resolve("layers/sha256"));
    // the lower dir of an image with no layers: its mode is the rootfs's, not the store's
    Files.createDirectories(this.root.resolve("empty"));
  }

  @Override
  public String name() {
    return "overlay";
  }

  /** The unpacked layer, made on first use. */
  Path layer(LayerRef l) throws IOException {
    Path dir = root.resolve("layers/sha256").resolve(l.diffId().hex());
    synchronized (CopySnapshotter.making(dir)) {
      return unpacked(l, dir);
    }
  }

  private Path unpacked(LayerRef l, Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return dir;
    }
    Path tmp = Files.createTempDirectory(this.tmp, "layer-");
    try {
      l.unpack(
          new Unpacker(
              Unpacker.Options.defaults()
                  .withWhiteouts(Unpacker.Whiteouts.OVERLAY)
                  .withOpaqueXattr(support.opaqueXattr())
                  .expecting(l.diffId(), null)),
          tmp);
      CopySnapshotter.publish(tmp, dir);
    } finally {
      Trees.removeAll(tmp);
    }
    return dir;
  }

  static String options(List<Path> lowersTopFirst, Path upper, Path work, boolean userxattr) {
    List<String> lowers = new ArrayList<>();
    for (Path p : lowersTopFirst) {
      lowers.add(escape(p));
    }
    return "lowerdir="
        + String.join(":", lowers)
        + ",upperdir="
        + escape(upper)
        + ",workdir="
        + escape(work)
        + (userxattr ? ",userxattr" : "");
  }

  /** overlayfs splits options at ',' and lower dirs at ':'; a backslash escapes them. */
  private static String escape(Path p) {
    return p.toString().replace("\\", "\\\\").replace(":", "\\:").replace(",", "\\,");
  }

  @Override
  public Snapshot prepare(List<LayerRef> layers) throws IOException {
    List<Path> lowers = new ArrayList<>();
    for (LayerRef l : layers) {
      lowers.add(0, layer(l));
    }
    if (lowers.isEmpty()) {
      lowers.add(root.resolve("empty"));
    }
    Path work = Files.createTempDirectory(this.work, "snap-");
    Path upper = Files.createDirectory(work.resolve("upper"));
    Path wd = Files.createDirectory(work.resolve("work"));
    Path merged = Files.createDirectory(work.resolve("merged"));
    String data = options(lowers, upper, wd, support.userxattr());
    try {
      if (data.length() <= MAX_MOUNT_DATA) {
        FsMount.mount("overlay", merged, "overlay", 0, data);
      } else { // too deep for one page of options: each lower dir on its own
        mountByParts(layers.size(), data.length(), lowers, upper, wd, merged);
      }
    } catch (IOException e) {
      Trees.removeAll(work);
      throw e;
    }
    return new OverlaySnapshot(work, upper, merged, lowers, support.opaqueXattr());
  }

  private void mountByParts(
      int layers, int optionBytes, List<Path> lowers, Path upper, Path wd, Path merged)
      throws IOException {
    try {
      FsMount.overlay(merged, lowers, upper, wd, support.userxattr());
    } catch (PosixException | LinkageError e) {
      throw new IOException(
          "overlay of "
              + layers
              + " layers: its mount options are "
              + optionBytes
              + " bytes, over mount(2)'s page, and the mount API with lowerdir+ (Linux >= 6.8,"
              + " glibc >= 2.36) failed: "
              + e.getMessage()
              + "; use a shorter --root or --snapshotter copy",
          e);
    }
  }

  private static final class OverlaySnapshot implements Snapshot {
    private final Path work;
    private final Path upper;
    private final Path merged;
    private final List<Path> lowers;
    private final String opaqueXattr;
    private boolean mounted = true;

    OverlaySnapshot(Path work, Path upper, Path merged, List<Path> lowers, String opaqueXattr) {
      this.work = work;
      this.upper = upper;
      this.merged = merged;
      this.lowers = lowers;
      this.opaqueXattr = opaqueXattr;
    }

    @Override
    public Path rootfs() {
      return merged;
    }

    @Override
    public List<Change> changes(Set<String> mountPoints) throws IOException {
      TreeSet<Change> out = new TreeSet<>();
      walk(upper, "", out);
      out.removeIf(c -> mountPoints.contains(c.path()));
      return List.copyOf(out);
    }

    private void walk(Path dir, String rel, TreeSet<Change> out) throws IOException {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
        for (Path c : ds) {
          String path = rel + FileNames.name(c);
          FileStat st = Posix.lstat(c);
          if (st.isWhiteout()) {
            out.add(new Change(path, Change.Kind.DELETED));
            continue;
          }
          if (!st.isDirectory()) {
            out.add(new Change(path, Change.Kind.CHANGED));
            continue;
          }
          Path lower = lowerOf(path);
          byte[] opaque = Posix.lgetxattr(c, opaqueXattr);
          if (lower == null) {
            out.add(new Change(path, Change.Kind.CHANGED));
          } else if (opaque != null && Arrays.equals(opaque, new byte[] {'y'})) {
            out.add(new Change(path, Change.Kind.OPAQUE));
          } else {
            FileStat lst = Posix.lstat(lower);
            if (!lst.isDirectory()) {
              out.add(new Change(path, Change.Kind.OPAQUE));
            } else if (!FileMeta.of(lower, lst).sameDirectoryEntry(FileMeta.of(c, st))) {
              out.add(new Change(path, Change.Kind.CHANGED));
            } // else: copied up to hold a changed child, or only its times differ
          }
          walk(c, path + "/", out);
        }
      }
    }

    /** Where {@code path} is visible in the lower layers (top first), or null when it is not. */
    private Path lowerOf(String path) throws IOException {
      String[] comps = path.split("/");
      for (Path l : lowers) {
        boolean stop = false;
        Path p = l;
        boolean hidden = false;
        for (int i = 0; i < comps.length; i++) {
          p = FileNames.resolve(p, comps[i]);
          FileStat st = Posix.lstatOrNull(p);
          if (st == null) {
            break;
          }
          if (st.isWhiteout() || (i < comps.length - 1 && !st.isDirectory())) {
            hidden = true;
            break;
          }
          if (i == comps.length - 1) {
            return p;
          }
          byte[] opaque = Posix.lgetxattr(p, opaqueXattr);
          if (opaque != null && Arrays.equals(opaque, new byte[] {'y'})) {
            stop = true; // lower layers below this one are hidden under this dir
          }
        }
        if (hidden || stop) {
          return null;
        }
      }
      return null;
    }

    @Override
    public LayerWriter.Written writeLayer(
        LayerWriter writer, Set<String> mountPoints, OutputStream out) throws IOException {
      return writer.writeChanges(upper, changes(mountPoints), out);
    }

    @Override
    public void close() throws IOException {
      if (mounted) {
        FsMount.umount(merged, false);
        mounted = false;
      }
      Trees.removeAll(work);
    }
  }
}
