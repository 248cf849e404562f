package dev.strata.solver;

import dev.strata.layer.snapshot.Snapshot;
import dev.strata.oci.ImageConfig;
import dev.strata.sandbox.RunDefaults;
import dev.strata.store.Store;
import dev.strata.store.StoredImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The rootfs {@code strata run} runs an image in: its layers from the store as a snapshot (overlay,
 * or a copy), with its config's Entrypoint/Cmd/Env/User/WorkingDir. The store is held shared while
 * it is open, as a build holds it, so a prune waits rather than delete the unpacked layers it
 * stands on; closing it unmounts and deletes the snapshot, releases and closes the store.
 */
public final class ImageRootfs implements AutoCloseable {
  private final Store store;
  private final AutoCloseable using;
  private final Snapshot snapshot;
  private final RunDefaults defaults;

  private ImageRootfs(Store store, AutoCloseable using, Snapshot snapshot, RunDefaults defaults) {
    this.store = store;
    this.using = using;
    this.snapshot = snapshot;
    this.defaults = defaults;
  }

  /**
   * The rootfs of image {@code name}; it owns {@code store} from here, also when this fails (it
   * closes it).
   */
  public static ImageRootfs open(Store store, String name) throws IOException {
    AutoCloseable using = store.beginWrite();
    try {
      StoredImage img = store.image(name);
      Snapshot snap = ImageSnapshots.prepare(store, ImageSnapshots.snapshotter(store, "auto"), img);
      ImageConfig c = img.config();
      RunDefaults d =
          new RunDefaults(c.entrypoint(), c.cmd(), c.env(), text(c.user()), text(c.workingDir()));
      return new ImageRootfs(store, using, snap, d);
    } catch (IOException | RuntimeException e) {
      try {
        using.close();
      } catch (Exception suppressed) {
        e.addSuppressed(suppressed);
      }
      store.close();
      throw e;
    }
  }

  public Path rootfs() {
    return snapshot.rootfs();
  }

  public RunDefaults defaults() {
    return defaults;
  }

  @Override
  public void close() throws Exception {
    try {
      snapshot.close();
    } finally {
      try {
        using.close();
      } finally {
        store.close();
      }
    }
  }

  private static Optional<String> text(String s) {
    return s.isEmpty() ? Optional.empty() : Optional.of(s);
  }
}
