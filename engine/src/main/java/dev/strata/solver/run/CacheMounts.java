package dev.strata.solver.run;

import dev.strata.codec.Compression;
import dev.strata.layer.LayerWriter;
import dev.strata.layer.Trees;
import dev.strata.layer.Unpacker;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.MediaType;
import dev.strata.store.BlobStore;
import dev.strata.store.PrivateDirs;
import dev.strata.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The store's {@code RUN --mount=type=cache} directories: {@code cache-mounts/<hex>}, named by the
 * sha256 of the mount's id, each with a {@code <hex>.lock} beside it for {@code
 * sharing=locked|private}. This class alone knows that layout.
 */
public final class CacheMounts {
  private CacheMounts() {}

  /** The directory of cache mount {@code id} in the store at {@code storeRoot}. */
  static Path dir(Path storeRoot, String id) {
    return storeRoot
        .resolve("cache-mounts")
        .resolve(Digest.sha256(("cache-mount|" + id).getBytes(StandardCharsets.UTF_8)).hex());
  }

  /** Whether the store holds any cache mount directory. */
  public static boolean any(Store store) throws IOException {
    return !directories(store).isEmpty();
  }

  /**
   * For {@link Store#prune(java.util.Set, Store.Derived)}: deletes every cache mount directory and
   * lock, each renamed into the store's {@code tmp/} first ({@link Trees#discard}). Under the prune
   * lock, which every build holds shared, so no step has one mounted. Inside the user namespace (a
   * cache's files carry the namespace's owners).
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

  /** The annotation that names a bundle layer's cache mount (its directory name). */
  public static final String ANNOTATION = "dev.strata.cache-mount";

  /** The annotation that holds a cache-mount layer's diffID, checked at import. */
  public static final String DIFF_ID = "dev.strata.cache-mount.diffid";

  /**
   * Each cache mount directory as a zstd layer blob in the store, annotated with its name, in name
   * order, while their total stays within {@code maxBytes}; a directory past the cap is left out,
   * told to {@code warn}. Inside the user namespace (the files carry its owners). BuildKit cannot
   * export these (moby/buildkit#1474): the Go or npm cache of an ephemeral CI runner is the slow
   * part of a cold build.
   */
  public static List<Descriptor> toLayers(Store store, long maxBytes, Consumer<String> warn)
      throws IOException {
    List<Descriptor> out = new ArrayList<>();
    long total = 0;
    List<Path> dirs = directories(store);
    dirs.sort(null);
    for (Path d : dirs) {
      long size = bytes(d);
      if (total + size > maxBytes) {
        warn.accept(
            "cache mount "
                + d.getFileName()
                + ": "
                + size
                + " bytes would pass the cap of "
                + maxBytes
                + " (--cache-mounts max=SIZE): left out");
        continue;
      }
      total += size;
      LayerWriter.Written w;
      Digest blob;
      try (BlobStore.BlobWriter bw = store.blobs().newWriter()) {
        w =
            new LayerWriter(new LayerWriter.Options(Compression.ZSTD, null))
                .writeTree(d, Set.of(), bw);
        blob = bw.commit(w.digest());
      }
      out.add(
          new Descriptor(MediaType.OCI_LAYER_ZSTD, blob, w.size())
              .withAnnotation(ANNOTATION, d.getFileName().toString())
              .withAnnotation(DIFF_ID, w.diffId().toString()));
    }
    return out;
  }

  /**
   * Unpacks a cache-mount layer of a bundle into the store's directory of that name, checked
   * against its digest and diffID; a name that is not a cache mount's (a digest's hex) is refused,
   * and a mount the store already has is kept as it is (false). Inside the user namespace.
   */
  public static boolean fromLayer(Store store, Descriptor layer, InputStream blob)
      throws IOException {
    String name = layer.annotations().get(ANNOTATION);
    if (name == null || !name.matches("[0-9a-f]{64}")) {
      throw new IOException(
          "layer "
              + layer.digest()
              + ": cache mount name \""
              + name
              + "\" is not a digest's hex: refused");
    }
    Path root = store.root().resolve("cache-mounts");
    Path dir = root.resolve(name);
    if (Files.exists(dir)) {
      return false;
    }
    PrivateDirs.create(root);
    Path tmp = Files.createTempDirectory(store.tmp(), "cache-mount-");
    String diffId = layer.annotations().get(DIFF_ID);
    Unpacker.Options o = Unpacker.Options.defaults();
    if (diffId != null) {
      o = o.expecting(Digest.parse(diffId), layer.digest());
    }
    new Unpacker(o).unpack(blob, tmp);
    Files.move(tmp, dir);
    return true;
  }

  /** The bytes of the regular files under {@code dir}, links not followed. */
  private static long bytes(Path dir) throws IOException {
    long[] n = {0};
    try (var w = Files.walk(dir)) {
      w.forEach(
          p -> {
            if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
              n[0] += p.toFile().length();
            }
          });
    }
    return n[0];
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
