package dev.strata.layer.snapshot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Makes writable stage root filesystems over layers and reports what changed in them. Both
 * implementations give the same {@link dev.strata.layer.Change}s, hence byte-identical layers, for
 * the same change (SnapshotterContract). Not tied to the store's layout: it is given a root
 * directory of its own.
 */
public interface Snapshotter {
  /** "overlay" or "copy", as {@code --snapshotter} names them. */
  String name();

  /**
   * A writable rootfs holding {@code layers} (bottom first), unpacking each layer the first time it
   * is seen (its diffID is verified then).
   */
  Snapshot prepare(List<LayerRef> layers) throws IOException;

  /**
   * Where a snapshotter keeps what it makes: under {@code root} the unpacked layers, shared by
   * every process and kept; in {@code tmp} (layers being unpacked) and {@code work} (snapshots)
   * this process's work in progress, which a store sweeps when the process dies.
   */
  record Dirs(Path root, Path tmp, Path work) {
    /** {@code root}, with {@code root/tmp} and {@code root/work}: a root of one's own. */
    public static Dirs under(Path root) {
      return new Dirs(root, root.resolve("tmp"), root.resolve("work"));
    }
  }

  /** Opens the overlay snapshotter in {@code dirs}; the caller must be able to mount it. */
  static Snapshotter overlay(Dirs dirs) throws IOException {
    return new OverlaySnapshotter(dirs);
  }

  /** Opens the overlay snapshotter under {@code root} alone ({@link Dirs#under}). */
  static Snapshotter overlay(Path root) throws IOException {
    return overlay(Dirs.under(root));
  }

  /** Opens the copy snapshotter in {@code dirs}. */
  static Snapshotter copy(Dirs dirs) throws IOException {
    return new CopySnapshotter(dirs);
  }

  /** Opens the copy snapshotter under {@code root} alone ({@link Dirs#under}). */
  static Snapshotter copy(Path root) throws IOException {
    return copy(Dirs.under(root));
  }

  /**
   * The overlay snapshotter where this process can mount overlayfs (checked once, recorded in
   * {@code root/overlay-support}), else the copy one.
   */
  static Snapshotter detect(Dirs dirs) throws IOException {
    return OverlaySupport.check(dirs.root(), dirs.tmp()).supported() ? overlay(dirs) : copy(dirs);
  }
}
