package dev.strata.layer.snapshot;

import dev.strata.layer.Trees;
import dev.strata.oci.Digest;
import dev.strata.store.Store;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the snapshotters keep unpacked under a store's {@code layers/}: overlay's {@code
 * layers/sha256/<diffID>} and copy's {@code chains/<chainID>}. Both are caches of the store's layer
 * blobs, remade on first use, so a prune may drop any of them that nothing is using; the store's
 * prune lock, which builds and runs hold shared, sees to that. Each goes by {@link Trees#discard}
 * into the trash given: a prune cut short never leaves a half-deleted layer where a snapshotter
 * would take it for a whole one. Their files carry the namespace's owners, so this runs inside
 * Strata's user namespace.
 */
public final class UnpackedLayers {
  private UnpackedLayers() {}

  /** Whether anything is unpacked under {@code layersRoot} (a store's {@code layers/}). */
  public static boolean any(Path layersRoot) throws IOException {
    return !entries(layersRoot.resolve("layers/sha256")).isEmpty()
        || !entries(layersRoot.resolve("chains")).isEmpty();
  }

  /**
   * Deletes the unpacked layers and chains that none of {@code live} stands on; each list is an
   * image's diff_ids, bottom layer first. Each is discarded through {@code trash}, on the same
   * filesystem (this process's {@code layers/tmp/<session>}).
   */
  public static Store.Freed prune(Path layersRoot, Collection<List<Digest>> live, Path trash)
      throws IOException {
    Set<String> diffIds = new HashSet<>();
    Set<String> chains = new HashSet<>();
    for (List<Digest> image : live) {
      Digest chain = null;
      for (Digest d : image) {
        diffIds.add(d.hex());
        chain = CopySnapshotter.chainId(chain, d);
        chains.add(chain.hex());
      }
    }
    Store.Freed layers = dropAllBut(layersRoot.resolve("layers/sha256"), diffIds, trash);
    Store.Freed flattened = dropAllBut(layersRoot.resolve("chains"), chains, trash);
    return new Store.Freed(layers.count() + flattened.count(), layers.bytes() + flattened.bytes());
  }

  /** Discards every directory in {@code dir} whose name {@code keep} lacks. */
  private static Store.Freed dropAllBut(Path dir, Set<String> keep, Path trash) throws IOException {
    int count = 0;
    long bytes = 0;
    for (Path d : entries(dir)) {
      if (!keep.contains(d.getFileName().toString())) {
        bytes += Trees.discard(d, trash);
        count++;
      }
    }
    return new Store.Freed(count, bytes);
  }

  private static List<Path> entries(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      ds.forEach(out::add);
    }
    return out;
  }
}
