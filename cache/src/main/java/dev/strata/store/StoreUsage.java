package dev.strata.store;

import dev.strata.index.StoreIndex;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.ImageIndex;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a store's bytes are (README "strata cache du"): every file and directory of the store, by
 * apparent size as {@code du -sb} counts it (hard links once), sorted into kinds: blobs named
 * images reach ({@code image}), blobs only cache records reach ({@code cache}), blobs nothing
 * reaches ({@code unreferenced}), unpacked layers, cache mounts, work in progress ({@code tmp}),
 * the index, and the rest ({@code other}: the layout files, the helper, directories of blobs).
 */
public final class StoreUsage {
  /** The kinds, in the order they are shown. */
  public static final List<String> KINDS =
      List.of("image", "cache", "unreferenced", "unpacked", "cacheMounts", "tmp", "index", "other");

  /** Kinds that {@code strata cache prune} may delete all of (the rest it keeps). */
  public static final Set<String> RECLAIMABLE =
      Set.of("cache", "unreferenced", "unpacked", "cacheMounts", "tmp");

  /**
   * The measure.
   *
   * @param bytes per kind of {@link #KINDS}
   * @param shared bytes of blobs both named images and cache records use (counted as image)
   * @param total the sum, which is what {@code du -sb} of the store says
   */
  public record Usage(Map<String, Long> bytes, long shared, long total) {
    /** The bytes {@code strata cache prune} may delete. */
    public long reclaimable() {
      long r = 0;
      for (String k : RECLAIMABLE) {
        r += bytes.getOrDefault(k, 0L);
      }
      return r;
    }
  }

  private StoreUsage() {}

  /** The blobs named images reach: manifests, indexes, configs and layers. */
  public static Set<Digest> imageBlobs(Store store) throws IOException {
    Set<Digest> live = new HashSet<>();
    for (Descriptor d : store.entries()) {
      mark(store, d, live);
    }
    return live;
  }

  private static void mark(Store store, Descriptor d, Set<Digest> live) throws IOException {
    BlobStore blobs = store.blobs();
    if (!live.add(d.digest()) || !blobs.has(d.digest())) {
      return;
    }
    if (MediaType.isManifest(d.mediaType())) {
      Manifest m = Manifest.parse(blobs.readSmall(d.digest(), Store.MAX_DOCUMENT), d.mediaType());
      live.add(m.config().digest());
      m.layers().forEach(l -> live.add(l.digest()));
    } else if (MediaType.isIndex(d.mediaType())) {
      for (Descriptor child :
          ImageIndex.parse(blobs.readSmall(d.digest(), Store.MAX_DOCUMENT)).manifests()) {
        mark(store, child, live);
      }
    }
  }

  /** Measures {@code store}: reads the index and names first, then walks the tree. */
  public static Usage measure(Store store) throws IOException {
    Set<Digest> images = imageBlobs(store);
    Set<Digest> cached = store.withIndex(StoreIndex::cachedBlobs);
    Path root = store.root();
    Path blobsDir = store.blobs().path(Digest.sha256(new byte[0])).getParent();
    Map<String, Long> bytes = new LinkedHashMap<>();
    KINDS.forEach(k -> bytes.put(k, 0L));
    long[] shared = {0};
    Set<Object> seen = new HashSet<>();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a)
              throws IOException {
            add(dir, a, dir.equals(blobsDir) || dir.equals(root) ? "other" : kindOf(dir));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
            String kind = kindOf(f);
            if (f.getParent().equals(blobsDir)) {
              Digest d = blob(f);
              kind =
                  d == null
                      ? "other"
                      : images.contains(d)
                          ? "image"
                          : cached.contains(d) ? "cache" : "unreferenced";
              if (d != null && images.contains(d) && cached.contains(d)) {
                shared[0] += a.size();
              }
            }
            add(f, a, kind);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
            throw new IOException(
                "cannot measure " + f + " (run strata cache du as the store's owner): " + e, e);
          }

          private void add(Path p, BasicFileAttributes a, String kind) throws IOException {
            Object key = a.fileKey();
            if (key != null && !a.isDirectory() && nlink(p) > 1 && !seen.add(key)) {
              return; // a hard link to what was counted (du counts it once)
            }
            bytes.merge(kind, a.size(), Long::sum);
          }

          private String kindOf(Path p) {
            Path rel = root.relativize(p);
            String top = rel.getNameCount() == 0 ? "" : rel.getName(0).toString();
            String second = rel.getNameCount() < 2 ? "" : rel.getName(1).toString();
            return switch (top) {
              case "blobs" -> "other";
              case "index" -> "index";
              case "tmp" -> "tmp";
              case "cache-mounts" -> "cacheMounts";
              case "layers" ->
                  second.equals("tmp") || second.equals("work")
                      ? "tmp"
                      : second.equals("layers") ? "unpacked" : "other";
              default -> "other";
            };
          }
        });
    long total = 0;
    for (long v : bytes.values()) {
      total += v;
    }
    return new Usage(bytes, shared[0], total);
  }

  private static int nlink(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
  }

  private static Digest blob(Path f) {
    try {
      return new Digest("sha256", f.getFileName().toString());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
