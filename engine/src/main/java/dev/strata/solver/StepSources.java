package dev.strata.solver;

import dev.strata.buildcache.CacheKey;
import dev.strata.frontend.ignore.DockerIgnore;
import dev.strata.frontend.plan.BuildPlan;
import dev.strata.frontend.plan.Stage;
import dev.strata.layer.snapshot.Snapshot;
import dev.strata.layer.snapshot.Snapshotter;
import dev.strata.oci.Digest;
import dev.strata.solver.copy.CopySources;
import dev.strata.solver.copy.FileCopier;
import dev.strata.solver.copy.FileDigests;
import dev.strata.store.Store;
import dev.strata.store.StoredImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a build's steps read besides their own rootfs: the build context (.dockerignore applied,
 * file digests remembered by stat) and the stages and store images that {@code --from} names, for
 * COPY, ADD and RUN bind mounts alike. Stages build on several threads and share one of these: what
 * it makes on disk (a snapshot per source, the filtered context) is made once under its lock and
 * kept until the build releases it.
 */
public final class StepSources {
  private final Store store;
  private final Snapshotter snapshotter;
  private final BuildProgress progress;
  private final BuildRequest req;
  private final BuildPlan plan;
  private final DockerIgnore ignore;

  /** The stages built so far, by index (the build's concurrent map, filled as stages finish). */
  private final Map<Integer, StageResult> results;

  /** Brings a stage's layer blobs into the store before they are unpacked (--cache-from). */
  private final LayerFetch fetch;

  /** What makes a list of layers' blobs present in the store. */
  interface LayerFetch {
    void fetch(List<StageResult.Layer> layers) throws IOException;
  }

  StepSources(
      Store store,
      Snapshotter snapshotter,
      BuildProgress progress,
      BuildRequest req,
      BuildPlan plan,
      DockerIgnore ignore,
      Map<Integer, StageResult> results,
      LayerFetch fetch) {
    this.fetch = fetch;
    this.store = store;
    this.snapshotter = snapshotter;
    this.progress = progress;
    this.req = req;
    this.plan = plan;
    this.ignore = ignore;
    this.results = results;
  }

  /** File digests by stat, in the index's file-hash table: one index session per step. */
  private final FileDigests fileDigests =
      new FileDigests() {
        public Map<String, String> known(java.util.Collection<String> statKeys) {
          return store.withIndex(idx -> idx.fileHashes(statKeys));
        }

        public void remember(Map<String, String> digests) {
          store.withIndex(
              idx -> {
                idx.putFileHashes(digests);
                return null;
              });
        }
      };

  /** The build context's files for COPY, ADD and bind mounts (.dockerignore applied). */
  public CopySources context() {
    return new CopySources(req.context(), ignore, "build context").remembering(fileDigests);
  }

  /**
   * The stage or store image that {@code --from} names (the step loop adds the step's line to an
   * error).
   */
  public StageResult stageByRef(String from) {
    for (Stage s : plan.stages()) {
      if (from.equalsIgnoreCase(s.name()) || from.equals(String.valueOf(s.index()))) {
        StageResult r = results.get(s.index());
        if (r != null) {
          return r;
        }
      }
    }
    // --from=IMAGE: an image from the store
    StoredImage img =
        store
            .find(from)
            .orElseThrow(
                () ->
                    new BuildException(
                        "--from=" + from + ": no such stage, and no such image in the store"));
    return new StageResult(
        -1, from, img.config(), BuildRun.layersOf(img), CacheKey.base(img.digest()));
  }

  /**
   * The context as RUN --mount=type=bind shows it: .dockerignore applied (a copy) when it has
   * patterns.
   */
  private Path filteredContext;

  public synchronized Path contextForMounts() throws IOException {
    if (ignore.patterns().isEmpty()) {
      return req.context();
    }
    if (filteredContext == null) {
      Path dir = Files.createTempDirectory(store.tmp(), "context-");
      try (CopySources cs = context()) {
        new FileCopier(dir, m -> progress.warning(null, m))
            .copy(cs, cs.select(List.of(".")), "/", new FileCopier.Attrs(null, null, null, false));
      }
      filteredContext = dir;
    }
    return filteredContext;
  }

  /** Snapshots kept for COPY --from sources, closed when the build ends. */
  private final Map<List<Digest>, Snapshot> sourceSnapshots = new HashMap<>();

  /** Stages that build at once may mount the same source: one snapshot each, made once. */
  public synchronized Path mounted(StageResult r) throws IOException {
    List<Digest> ids = r.layers().stream().map(StageResult.Layer::diffId).toList();
    Snapshot s = sourceSnapshots.get(ids);
    if (s == null) {
      fetch.fetch(r.layers());
      s = snapshotter.prepare(BuildRun.refs(store, r.layers()));
      sourceSnapshots.put(ids, s);
    }
    return s.rootfs();
  }

  synchronized void dropFilteredContext() throws IOException {
    if (filteredContext != null) {
      dev.strata.layer.Trees.removeAll(filteredContext);
      filteredContext = null;
    }
  }

  synchronized void closeSourceSnapshots() {
    for (Snapshot s : sourceSnapshots.values()) {
      try {
        s.close();
      } catch (IOException e) {
        progress.warning(null, e.getMessage());
      }
    }
    sourceSnapshots.clear();
  }
}
