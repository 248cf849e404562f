package dev.strata.solver;

import dev.strata.buildcache.CacheKey;
import dev.strata.frontend.plan.Stage;
import dev.strata.layer.Trees;
import dev.strata.layer.snapshot.Snapshot;
import dev.strata.oci.Digest;
import dev.strata.solver.copy.CopySources;
import dev.strata.solver.copy.FileCopier;
import dev.strata.solver.copy.FileDigests;
import dev.strata.store.StoredImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
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
  private final StepContext ctx;

  StepSources(StepContext ctx) {
    this.ctx = ctx;
  }

  /** File digests by stat, in the index's file-hash table: one index session per step. */
  private final FileDigests fileDigests =
      new FileDigests() {
        public Map<String, String> known(Collection<String> statKeys) {
          return ctx.store().withIndex(idx -> idx.fileHashes(statKeys));
        }

        public void remember(Map<String, String> digests) {
          ctx.store()
              .withIndex(
                  idx -> {
                    idx.putFileHashes(digests);
                    return null;
                  });
        }

        public void keepListing(String listing) {
          ctx.store().withIndex(idx -> idx.listings().put(listing));
        }
      };

  /**
   * For trees whose stats say nothing across builds (a stage's mounted files): no digest is
   * remembered by stat, but listings are kept, so a COPY --from miss names the files that changed.
   */
  public FileDigests listingsOnly() {
    return new FileDigests() {
      public Map<String, String> known(java.util.Collection<String> statKeys) {
        return Map.of();
      }

      public void remember(Map<String, String> digests) {}

      public void keepListing(String listing) {
        fileDigests.keepListing(listing);
      }
    };
  }

  /** The build context's files for COPY, ADD and bind mounts (.dockerignore applied). */
  public CopySources context() {
    return new CopySources(ctx.req().source().context(), ctx.ignore(), "build context")
        .remembering(fileDigests);
  }

  /**
   * The stage or store image that {@code --from} names (the step loop adds the step's line to an
   * error).
   */
  public StageResult stageByRef(String from) {
    for (Stage s : ctx.plan().stages()) {
      if (from.equalsIgnoreCase(s.name()) || from.equals(String.valueOf(s.index()))) {
        StageResult r = ctx.result(s.index());
        if (r != null) {
          return r;
        }
      }
    }
    // --from=IMAGE: an image from the store
    StoredImage img =
        ctx.store()
            .find(from)
            .orElseThrow(
                () ->
                    new BuildException(
                        "--from=" + from + ": no such stage, and no such image in the store"));
    return new StageResult(
        -1, from, img.config(), StageResult.layersOf(img), CacheKey.base(img.digest()));
  }

  /**
   * The context as RUN --mount=type=bind shows it: .dockerignore applied (a copy) when it has
   * patterns.
   */
  private Path filteredContext;

  public synchronized Path contextForMounts() throws IOException {
    if (ctx.ignore().patterns().isEmpty()) {
      return ctx.req().source().context();
    }
    if (filteredContext == null) {
      Path dir = Files.createTempDirectory(ctx.store().tmp(), "context-");
      try (CopySources cs = context()) {
        new FileCopier(dir, m -> ctx.progress().warning(null, m))
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
      ctx.fetch(r.layers());
      s = ctx.snapshotter().prepare(ImageSnapshots.refs(ctx.store(), r.layers()));
      sourceSnapshots.put(ids, s);
    }
    return s.rootfs();
  }

  /**
   * Releases what the build's stages held (source snapshots, the filtered context of bind mounts);
   * a failure is a warning, never one that hides the build's own.
   */
  void release() {
    closeSourceSnapshots();
    try {
      dropFilteredContext();
    } catch (IOException e) {
      ctx.progress().warning(null, e.getMessage());
    }
  }

  private synchronized void dropFilteredContext() throws IOException {
    if (filteredContext != null) {
      Trees.removeAll(filteredContext);
      filteredContext = null;
    }
  }

  private synchronized void closeSourceSnapshots() {
    for (Snapshot s : sourceSnapshots.values()) {
      try {
        s.close();
      } catch (IOException e) {
        ctx.progress().warning(null, e.getMessage());
      }
    }
    sourceSnapshots.clear();
  }
}
