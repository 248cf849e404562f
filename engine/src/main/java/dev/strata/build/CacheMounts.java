package dev.strata.build;

import dev.strata.layer.Trees;
import dev.strata.oci.Digest;
import dev.strata.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The store's {@code RUN --mount=type=cache} directories: {@code cache-mounts/<hex>}, named by
 * the sha256 of the mount's id, each with a {@code <hex>.lock} beside it for {@code
 * sharing=locked|private}. This class alone knows that layout.
 */
public final class CacheMounts {
  private CacheMounts() {}

  /** The directory of cache mount {@code id} in the store at {@code storeRoot}. */
  static Path dir(Path storeRoot, String id) {
    return storeRoot.resolve("cache-mounts")
        .resolve(Digest.sha256(("cache-mount|" + id).getBytes(StandardCharsets.UTF_8)).hex());
  }

  /** Whether the store holds any cache mount directory. */
  public static boolean any(Store store) throws IOException {
    return !directories(store).isEmpty();
  }

  /**
   * For {@link Store#prune(java.util.Set, Store.Derived)}: deletes every cache mount directory
   * and lock, each renamed into the store's {@code tmp/} first ({@link Trees#discard}). Under
   * the prune lock, which every build holds shared, so no step has one mounted. Inside the user
   * namespace (a cache's files carry the namespace's owners).
   */
  public static Store.Freed prune(Store store) throws IOException {
    int count = 0;
    long bytes = 0;
    for (Path d : directories(store)) {
      bytes += Trees.discard(d, store.tmp());
      Files.deleteIfExists(d.resolveSibling(d.getFileName() + ".lock"));
      count++;
    }
    return new Store.Freed(count, bytes);
  }

  private static List<Path> directories(Store store) throws IOException {
    List<Path> out = new ArrayList<>();
    Path root = store.root().resolve("cache-mounts");
    if (Files.isDirectory(root)) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, Files::isDirectory)) {
        ds.forEach(out::add);
      }
    }
    return out;
  }
}
