package dev.strata.solver;

import dev.strata.layer.snapshot.LayerRef;
import dev.strata.layer.snapshot.Snapshot;
import dev.strata.layer.snapshot.Snapshotter;
import dev.strata.layer.snapshot.UnpackedLayers;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.store.BlobStore;
import dev.strata.store.PrivateDirs;
import dev.strata.store.Store;
import dev.strata.store.StoredImage;
import dev.strata.store.WorkArea;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Root filesystems of stored images: the store's snapshotter (unpacked layers live under the
 * store's {@code layers/}) and a writable snapshot of an image's layers, for builds and for {@code
 * strata run}. Needs Strata's user namespace (overlay mounts, owners).
 */
public final class ImageSnapshots {
  private ImageSnapshots() {}

  /** The snapshotter named {@code overlay}, {@code copy} or {@code auto} for {@code store}. */
  public static Snapshotter snapshotter(Store store, String name) throws IOException {
    Snapshotter.Dirs dirs =
        new Snapshotter.Dirs(
            PrivateDirs.create(store.root().resolve("layers")),
            store.workDir(WorkArea.LAYERS_TMP),
            store.workDir(WorkArea.LAYERS_WORK));
    return switch (name) {
      case "overlay" -> Snapshotter.overlay(dirs);
      case "copy" -> Snapshotter.copy(dirs);
      case "auto" -> Snapshotter.detect(dirs);
      default -> throw new BuildException("--snapshotter " + name + ": want overlay, copy or auto");
    };
  }

  /**
   * For {@link Store#prune(java.util.Set, Store.Derived)}: deletes the unpacked layers no image
   * left in the store stands on ({@link UnpackedLayers}). Inside the user namespace.
   */
  public static Store.Freed pruneUnpacked(Store store) throws IOException {
    List<List<Digest>> live = new ArrayList<>();
    for (StoredImage img : store.images()) {
      live.add(img.config().diffIds());
    }
    return UnpackedLayers.prune(
        store.root().resolve("layers"), live, store.workDir(WorkArea.LAYERS_TMP));
  }

  /** Whether the store holds unpacked layers (which only the user namespace may delete). */
  public static boolean hasUnpacked(Store store) throws IOException {
    return UnpackedLayers.any(store.root().resolve("layers"));
  }

  /** A writable rootfs holding {@code image}'s layers; close it to unmount and delete it. */
  public static Snapshot prepare(Store store, Snapshotter snapshotter, StoredImage image)
      throws IOException {
    List<Digest> diffIds = image.config().diffIds();
    List<Descriptor> blobs = image.manifest().layers();
    if (diffIds.size() != blobs.size()) {
      throw new BuildException(
          "image "
              + image.name()
              + ": "
              + diffIds.size()
              + " diff_ids for "
              + blobs.size()
              + " layers");
    }
    List<LayerRef> refs = new ArrayList<>();
    for (int i = 0; i < blobs.size(); i++) {
      refs.add(ref(store, diffIds.get(i), blobs.get(i).digest()));
    }
    return snapshotter.prepare(refs);
  }

  /**
   * A layer of the store as a snapshotter opens it. The blob is read unverified: every snapshotter
   * unpacks it expecting {@code diffId}, which the image config (addressed by its digest) pins, so
   * what lands on disk is verified by that one hash, as containerd's diff applier does. Hashing the
   * compressed bytes too cost a second sha256 of every layer for nothing.
   */
  /** The snapshotter's references to {@code layers}' blobs in the store. */
  public static List<LayerRef> refs(Store store, List<StageResult.Layer> layers) {
    List<LayerRef> refs = new ArrayList<>();
    for (StageResult.Layer l : layers) {
      refs.add(ref(store, l.diffId(), l.blob().digest()));
    }
    return refs;
  }

  static LayerRef ref(Store store, Digest diffId, Digest blob) {
    return new LayerRef(
        diffId,
        new StoreBlob(store.blobs(), blob),
        "the store's blob "
            + blob
            + " is corrupt; delete "
            + store.blobs().path(blob)
            + " and load or pull the image again");
  }

  /** A store blob: a file, written once, so an unpacker may read it twice. */
  private record StoreBlob(BlobStore blobs, Digest blob) implements LayerRef.Source {
    @Override
    public InputStream open() throws IOException {
      return blobs.open(blob);
    }

    @Override
    public Path file() throws IOException {
      return blobs.file(blob);
    }
  }
}
