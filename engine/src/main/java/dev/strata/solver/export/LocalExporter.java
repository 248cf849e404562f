package dev.strata.solver.export;

import dev.strata.layer.Ownership;
import dev.strata.layer.Trees;
import dev.strata.layer.snapshot.Snapshot;
import dev.strata.layer.snapshot.Snapshotter;
import dev.strata.posix.Posix;
import dev.strata.solver.BuildOutput;
import dev.strata.solver.BuildProgress;
import dev.strata.solver.ImageSnapshots;
import dev.strata.solver.StageResult;
import dev.strata.store.Store;
import dev.strata.store.StoredImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * {@code --output type=local,dest=DIR}: the image's rootfs as plain files, made beside the
 * destination and moved in, owned by the user who built.
 */
final class LocalExporter implements Exporter {
  private final Store store;
  private final Snapshotter snapshotter;
  private final BuildProgress progress;

  LocalExporter(Store store, Snapshotter snapshotter, BuildProgress progress) {
    this.store = store;
    this.snapshotter = snapshotter;
    this.progress = progress;
  }

  @Override
  public void export(StoredImage image, BuildOutput output) throws IOException {
    Path dest = output.dest();
    Path fresh = dest.resolve(".strata-new");
    // the image's blobs are in the store: the solver fetched the final image's from --cache-from
    try (Snapshot s =
        snapshotter.prepare(ImageSnapshots.refs(store, StageResult.layersOf(image)))) {
      Files.createDirectories(dest);
      Trees.copy(s.rootfs(), fresh, m -> progress.warning(null, m));
    }
    ownByCaller(fresh);
    moveContents(fresh, dest);
  }

  /**
   * Files of a local output belong to the user who built (uid 0 in the namespace), as rootless
   * podman and BuildKit write them: the image's owners would be subordinate ids outside.
   */
  private static void ownByCaller(Path dir) throws IOException {
    try (Stream<Path> w = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) w::iterator) {
        Posix.lchown(p, 0, 0);
        var st = Posix.lstat(p);
        if ((st.isRegularFile() || st.isDirectory())
            && Posix.lgetxattr(p, Ownership.XATTR) != null) {
          Posix.lremovexattr(p, Ownership.XATTR);
        }
      }
    }
  }

  private static void moveContents(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.list(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path dst = to.resolve(p.getFileName());
        if (Files.exists(dst, LinkOption.NOFOLLOW_LINKS)) {
          Trees.removeAll(dst);
        }
        Files.move(p, dst);
      }
    }
    Files.delete(from);
  }
}
