package dev.strata.layer.snapshot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Makes writable stage root filesystems over layers and reports what changed in them. Both
 * implementations give the same {@link dev.strata.layer.Change}s, hence byte-identical layers,
 * for the same change (SnapshotterContract). Not tied to the store's layout: it is given a root
 * directory of its own.
 */
public interface Snapshotter {
  /** "overlay" or "copy", as {@code --snapshotter} names them. */
  String name();

  /**
   * A writable rootfs holding {@code layers} (bottom first), unpacking each layer the first time
   * it is seen (its diffID is verified then).
   */
  Snapshot prepare(List<LayerRef> layers) throws IOException;

  /** Opens the overlay snapshotter under {@code root}; the caller must be able to mount it. */
  static Snapshotter overlay(Path root) throws IOException {
    return new OverlaySnapshotter(root);
  }

  /** Opens the copy snapshotter under {@code root}. */
  static Snapshotter copy(Path root) throws IOException {
    return new CopySnapshotter(root);
  }

  /**
   * The overlay snapshotter where this process can mount overlayfs (checked once, recorded in
   * {@code root/overlay-support}), else the copy one.
   */
  static Snapshotter detect(Path root) throws IOException {
    return OverlaySupport.check(root).supported() ? overlay(root) : copy(root);
  }
}
