package dev.strata.solver;

import dev.strata.buildcache.CacheKey;
import dev.strata.buildcache.CacheRecord;
import dev.strata.buildcache.KeyInputs;
import dev.strata.codec.Compression;
import dev.strata.index.LayerRecord;
import dev.strata.layer.Change;
import dev.strata.layer.LayerWriter;
import dev.strata.layer.snapshot.Snapshot;
import dev.strata.oci.Digest;
import dev.strata.oci.MediaType;
import dev.strata.store.BlobStore;
import dev.strata.store.Store;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * One place for cache records: looks a step's key up (the store's index, then the --cache-from
 * caches), and on a miss runs the step's operation in a snapshot over the layers below, writes the
 * diff as a zstd layer into the store and records {@code key -> layer}.
 */
final class LayerMaker {
  private final StepContext ctx;

  LayerMaker(StepContext ctx) {
    this.ctx = ctx;
  }

  /** The record of {@code k}, or null; a record whose layer was pruned counts as none. */
  CacheRecord lookup(CacheKey k, KeyInputs inputs) {
    Store store = ctx.store();
    CacheRecord r = store.withIndex(idx -> idx.cacheRecord(k));
    if (r != null && r.hasLayer() && !store.blobs().has(r.blob())) {
      r = null; // the layer was pruned: run the step again, unless a --cache-from cache has it
    }
    if (r == null) {
      r = ctx.imported().lookup(k, inputs.encode());
      if (r != null) {
        CacheRecord hit = r;
        store.withIndex(
            idx -> {
              idx.putCacheRecord(k, hit);
              return null;
            });
      }
    }
    return r;
  }

  /** Runs {@code op} for {@code state} and records what it made under {@code key}. */
  CacheRecord make(
      Operation op, StepState state, BuildProgress.Step ps, KeyInputs inputs, CacheKey key)
      throws IOException, InterruptedException {
    boolean empty = op.emptyTree(state.step());
    List<StageResult.Layer> below = empty ? List.of() : state.layers();
    ctx.fetch(below);
    Store store = ctx.store();
    try (Snapshot snap = ctx.snapshotter().prepare(ImageSnapshots.refs(store, below))) {
      op.run(state, ps, snap.rootfs(), inputs);
      List<Change> changes = snap.changes(Set.of());
      String createdBy = StepText.createdBy(state.step().instruction(), state.step());
      BuildRequest req = ctx.req();
      if (changes.isEmpty()) {
        CacheRecord rec =
            new CacheRecord(
                null, null, null, 0, 0, createdBy, inputs.encode(), req.output().created());
        store.withIndex(
            idx -> {
              idx.putCacheRecord(key, rec);
              return null;
            });
        return rec;
      }
      LayerWriter writer =
          new LayerWriter(
              new LayerWriter.Options(Compression.ZSTD, req.output().sourceDateEpoch()));
      LayerWriter.Written written;
      Digest blob;
      try (BlobStore.BlobWriter out = store.blobs().newWriter()) {
        written = snap.writeLayer(writer, Set.of(), out);
        blob = out.commit(written.digest());
      }
      LayerRecord lr =
          new LayerRecord(
              written.diffId(),
              blob,
              MediaType.OCI_LAYER_ZSTD,
              written.size(),
              written.uncompressedSize());
      CacheRecord rec =
          new CacheRecord(
              written.diffId(),
              blob,
              MediaType.OCI_LAYER_ZSTD,
              written.size(),
              written.uncompressedSize(),
              createdBy,
              inputs.encode(),
              req.output().created());
      store.withIndex(
          idx -> {
            idx.putLayer(lr);
            idx.putCacheRecord(key, rec);
            return null;
          });
      return rec;
    }
  }
}
