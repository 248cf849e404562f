package dev.strata.solver;

import dev.strata.buildcache.CacheKey;
import dev.strata.buildcache.CacheRecord;
import dev.strata.frontend.plan.BuildPlan;
import dev.strata.registry.RegistryException;
import dev.strata.registry.RegistryOptions;
import dev.strata.remotecache.CacheSource;
import dev.strata.remotecache.CacheSpec;
import dev.strata.remotecache.ImportedCache;
import dev.strata.remotecache.LocalCacheDir;
import dev.strata.remotecache.RegistryCache;
import dev.strata.store.Store;
import dev.strata.store.StoredImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A build's exchange with caches outside the store: the records of its --cache-from caches, the
 * records and facts it exports to --cache-to, and which records made an image (for {@code strata
 * cache export DIR IMAGE}).
 */
final class CacheExchange {
  private final BuildTools tools;

  /** How type=registry caches reach a registry; null: offline. */
  private final RegistryOptions registry;

  CacheExchange(BuildTools tools, RegistryOptions registry) {
    this.tools = tools;
    this.registry = registry;
  }

  /** The records of the --cache-from caches; one that cannot be read is a warning naming it. */
  ImportedCache importCache(BuildRequest req) {
    if (req.cache().cacheFrom().isEmpty() || req.cache().noCache()) {
      return ImportedCache.none();
    }
    BuildProgress progress = tools.progress();
    List<CacheSource> sources = new ArrayList<>();
    for (CacheSpec from : req.cache().cacheFrom()) {
      if (!from.registry()) {
        sources.add(LocalCacheDir.source(from.dir()));
      } else if (registry == null || registry.offline()) {
        // BuildKit has no offline switch; a cache import that cannot happen is a warning as a
        // failed one is
        progress.warning(
            null,
            "--cache-from "
                + from.shown()
                + ": not used: Strata is offline (--offline); nothing was fetched");
      } else {
        sources.add(new RegistryCache(from.ref(), registry));
      }
    }
    try {
      return ImportedCache.openSources(sources, m -> progress.warning(null, m), true);
    } catch (IOException e) {
      throw new BuildException("--cache-from: " + IoErrorText.reason(e), e);
    }
  }

  /**
   * Remembers which records the build that made {@code img} produced or used (every stage's: {@code
   * strata cache export DIR IMAGE} exports them as mode=max would).
   */
  void recordImageCache(StoredImage img, BuildRun run) {
    Set<CacheKey> keys = new HashSet<>();
    run.allRecorded().forEach(m -> keys.addAll(m.keySet()));
    tools
        .store()
        .withIndex(
            idx -> {
              idx.addImageRecords(img.digest(), keys);
              return null;
            });
  }

  /**
   * Writes the build's records to each --cache-to cache: mode=min those of the final image's steps
   * (the target stage and the stages it is FROM), mode=max those of every stage built, as buildx's
   * modes are. A failure is the build's error naming the destination (the image is stored already),
   * as buildx fails a build whose cache export fails.
   */
  void exportCache(BuildRun run, BuildPlan plan, StepContext ctx) throws IOException {
    Store store = tools.store();
    for (CacheSpec to : ctx.req().cache().cacheTo()) {
      Map<CacheKey, CacheRecord> records =
          new TreeMap<>((a, b) -> a.digest().compareTo(b.digest()));
      if (to.max()) {
        run.allRecorded().forEach(records::putAll);
      } else {
        for (Integer idx = plan.target(); idx != null; idx = plan.stage(idx).baseStage()) {
          records.putAll(run.recordedOf(idx));
        }
      }
      String sent = "";
      try {
        ctx.fetchRecords(records.values());
        if (to.registry()) {
          if (registry == null) {
            throw new BuildException(
                "--cache-to " + to.shown() + ": this build has no registry client");
          }
          RegistryCache.Pushed p =
              new RegistryCache(to.ref(), registry).push(store, records, ctx.facts());
          sent =
              " ("
                  + p.layers()
                  + " layers: "
                  + p.uploaded()
                  + " uploaded, "
                  + p.mounted()
                  + " mounted, "
                  + (p.layers() - p.uploaded() - p.mounted())
                  + " there already)";
        } else {
          LocalCacheDir.write(to.dir(), records, ctx.facts(), store.blobs(), List.of());
        }
      } catch (IOException e) {
        throw new BuildException("--cache-to " + to.shown() + ": " + IoErrorText.reason(e), e);
      } catch (RegistryException e) {
        throw new BuildException("--cache-to " + to.shown() + ": " + e.getMessage(), e);
      }
      tools
          .progress()
          .info("cache: " + records.size() + " records exported to " + to.shown() + sent);
    }
  }
}
