package dev.strata.store;

import static dev.strata.store.Store.MAX_DOCUMENT;

import dev.strata.index.StoreIndex;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.ImageIndex;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The store's garbage collection: mark what named images, cache records and the caller's roots
 * reach, sweep every other blob, under {@code gc.lock} held exclusively (writers hold it shared
 * until their blobs are named, so a blob about to be named is never deleted).
 */
final class BlobSweep {
  private final Store store;
  private final Path root;
  private final BlobStore blobs;

  BlobSweep(Store store, Path root, BlobStore blobs) {
    this.store = store;
    this.root = root;
    this.blobs = blobs;
  }

  /** {@link Store#prune(Set, Store.Derived)}. */
  <T> Store.PruneResult<T> prune(Set<Digest> extraRoots, Store.Derived<T> derived) {
    try (FileLocks.Held gc = FileLocks.exclusive(root.resolve("gc.lock"))) {
      Set<Digest> live = new HashSet<>(extraRoots);
      // Read under the lock: a build that records a layer holds it shared until done.
      live.addAll(store.withIndex(StoreIndex::cachedBlobs));
      for (Descriptor d : store.entries()) {
        mark(d, live);
      }
      List<Digest> removed = new ArrayList<>();
      long bytes = 0;
      for (Digest b : blobs.list()) {
        if (!live.contains(b)) {
          long size = blobs.size(b);
          if (blobs.delete(b)) {
            removed.add(b);
            bytes += size;
          }
        }
      }
      store.withIndex(
          idx -> {
            idx.forgetBlobs(removed);
            return null;
          });
      return new Store.PruneResult<>(removed, bytes, derived.prune(store));
    } catch (IOException e) {
      throw new StoreException("prune failed: " + e.getMessage(), e);
    }
  }

  private void mark(Descriptor d, Set<Digest> live) throws IOException {
    if (!live.add(d.digest()) || !blobs.has(d.digest())) {
      return;
    }
    if (MediaType.isManifest(d.mediaType())) {
      Manifest m = Manifest.parse(blobs.readSmall(d.digest(), MAX_DOCUMENT), d.mediaType());
      live.add(m.config().digest());
      m.layers().forEach(l -> live.add(l.digest()));
    } else if (MediaType.isIndex(d.mediaType())) {
      for (Descriptor child :
          ImageIndex.parse(blobs.readSmall(d.digest(), MAX_DOCUMENT)).manifests()) {
        mark(child, live);
      }
    }
  }
}
