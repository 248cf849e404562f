package dev.strata.remotecache;

import dev.strata.buildcache.CacheBundle;
import dev.strata.buildcache.CacheKey;
import dev.strata.buildcache.CacheRecord;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.solver.run.CacheMounts;
import dev.strata.store.Store;
import dev.strata.store.StoredImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A whole store's build cache moved as one bundle: {@code strata cache export DIR} and {@code
 * strata cache import DIR}, for a machine the network does not reach (BuildKit's cache can go to a
 * local directory only from a build; this moves what many builds recorded).
 */
public final class StoreCache {
  private StoreCache() {}

  /** What an export or import moved. */
  public record Moved(int records, int layers, int refused, int cacheMounts) {}

  /**
   * Writes every record whose layer the store still holds (a pruned one would not hit), and {@code
   * cacheMounts} (cache-mount layers, or none) after them.
   */
  public static Moved export(Store store, Path dir, List<Descriptor> cacheMounts)
      throws IOException {
    return export(store, dir, cacheMounts, List.of());
  }

  /**
   * As {@link #export(Store, Path, List)}; with {@code images}, only the records of the builds that
   * made them (every stage's, as mode=max), which the store remembers per image manifest.
   *
   * @throws IllegalArgumentException naming an image no build in this store made
   */
  public static Moved export(
      Store store, Path dir, List<Descriptor> cacheMounts, List<StoredImage> images)
      throws IOException {
    Map<CacheKey, CacheRecord> all = store.withIndex(idx -> idx.cacheRecords());
    Map<String, String> facts = store.withIndex(idx -> idx.facts());
    Set<CacheKey> wanted = null;
    if (!images.isEmpty()) {
      wanted = new HashSet<>();
      for (StoredImage img : images) {
        Set<CacheKey> keys = store.withIndex(idx -> idx.imageRecords(img.digest()));
        if (keys.isEmpty()) {
          throw new IllegalArgumentException(
              "image "
                  + (img.name() != null ? img.name() : img.digest())
                  + " was not built in this store (pulled, loaded or built before Strata remembered builds per image):"
                  + " no cache records to export for it");
        }
        wanted.addAll(keys);
      }
    }
    Map<CacheKey, CacheRecord> kept = new HashMap<>();
    for (Map.Entry<CacheKey, CacheRecord> e : all.entrySet()) {
      CacheRecord r = e.getValue();
      if ((wanted == null || wanted.contains(e.getKey()))
          && (!r.hasLayer() || store.blobs().has(r.blob()))) {
        kept.put(e.getKey(), r);
      }
    }
    LocalCacheDir.write(dir, kept, facts, store.blobs(), cacheMounts);
    return new Moved(kept.size(), CacheBundle.layers(kept).size(), 0, cacheMounts.size());
  }

  /**
   * Copies every record of the bundle, and its layer blob, into the store; each is verified as a
   * build's hit is ({@link ImportedCache}), and one that fails is refused, told to {@code warn}.
   */
  public static Moved importInto(Store store, Path dir, Consumer<String> warn) throws IOException {
    int[] refused = {0};
    ImportedCache bundle =
        ImportedCache.open(
            List.of(dir),
            m -> {
              refused[0]++;
              warn.accept(m);
            });
    int records = 0;
    Set<Digest> layers = new HashSet<>();
    for (Map.Entry<CacheKey, CacheRecord> e : bundle.records().entrySet()) {
      CacheRecord r = bundle.lookup(e.getKey(), e.getValue().inputs());
      if (r == null) {
        continue;
      }
      if (r.hasLayer()) {
        try {
          bundle.fetch(store, r.blob());
        } catch (ImportedCache.Refused refusedOnCopy) {
          continue; // warned: the bundle changed since it was checked
        }
        layers.add(r.blob());
      }
      store.withIndex(
          idx -> {
            idx.putCacheRecord(e.getKey(), r);
            return null;
          });
      records++;
    }
    Map<String, String> facts = bundle.facts();
    store.withIndex(
        idx -> {
          facts.forEach(idx::putFact);
          return null;
        });
    int mounts = 0;
    for (Descriptor l : cacheMountLayers(dir)) {
      try (InputStream in = Files.newInputStream(LocalCacheDir.blob(dir, l.digest()))) {
        if (CacheMounts.fromLayer(store, l, in)) {
          mounts++;
        } else {
          warn.accept(
              "cache mount "
                  + l.annotations().get(CacheMounts.ANNOTATION)
                  + " is in the store already: kept as it is");
        }
      } catch (IOException e) {
        refused[0]++;
        warn.accept("cache mount layer " + l.digest() + ": " + e.getMessage());
      }
    }
    return new Moved(records, layers.size(), refused[0], mounts);
  }

  /** The cache-mount layers of the bundle in {@code dir} (unpacking them needs the namespace). */
  public static List<Descriptor> cacheMountLayers(Path dir) throws IOException {
    return LocalCacheDir.read(dir, m -> {}).manifest().layers().stream()
        .filter(l -> l.annotations().containsKey(CacheMounts.ANNOTATION))
        .toList();
  }
}
