package dev.strata.solver;

import dev.strata.buildcache.CacheRecord;
import dev.strata.frontend.ignore.DockerIgnore;
import dev.strata.frontend.plan.BuildPlan;
import dev.strata.layer.snapshot.Snapshotter;
import dev.strata.remotecache.ImportedCache;
import dev.strata.sandbox.SandboxRunner;
import dev.strata.store.Store;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every step of one build sees, as one value (instead of the same six arguments to four
 * constructors): the tools, the request and its plan, whether this is the cache-only attempt, and
 * what the stages share: the stages built so far, the facts about files the build used (what
 * --cache-to exports beside the records) and the sources steps read besides their rootfs. Stages
 * build on several threads: the shared maps are concurrent, each stage writes only its own entry.
 */
public final class StepContext {
  private final BuildTools tools;
  private final BuildInputs inputs;

  /** Compute keys only: a step that must run, or an input that needs a mount, ends the attempt. */
  private final boolean keysOnly;

  private final Map<String, RuntimeException> unresolvedBases;
  private final Map<Integer, StageResult> results = new ConcurrentHashMap<>();
  private final Map<String, String> facts = new ConcurrentHashMap<>();
  private final StepSources sources;

  StepContext(
      BuildTools tools,
      BuildInputs inputs,
      boolean keysOnly,
      Map<String, RuntimeException> unresolvedBases) {
    this.tools = tools;
    this.inputs = inputs;
    this.keysOnly = keysOnly;
    this.unresolvedBases = Map.copyOf(unresolvedBases);
    this.sources = new StepSources(this);
  }

  public Store store() {
    return tools.store();
  }

  public Snapshotter snapshotter() {
    return tools.snapshotter();
  }

  public SandboxRunner sandbox() {
    return tools.sandbox();
  }

  public BuildProgress progress() {
    return tools.progress();
  }

  public BuildRequest req() {
    return inputs.req();
  }

  public BuildPlan plan() {
    return inputs.plan();
  }

  DockerIgnore ignore() {
    return inputs.ignore();
  }

  /** The --cache-from caches' records and facts, looked up after the store's. */
  public ImportedCache imported() {
    return inputs.imported();
  }

  /** Whether this is the cache-only attempt, outside the namespace: nothing may be mounted. */
  public boolean keysOnly() {
    return keysOnly;
  }

  public StepSources sources() {
    return sources;
  }

  /** The facts about stages' files this build used, by key: --cache-to exports them. */
  public Map<String, String> facts() {
    return facts;
  }

  /** The stage built as {@code index}, or null when it is not built (yet). */
  StageResult result(int index) {
    return results.get(index);
  }

  void putResult(StageResult r) {
    results.put(r.index(), r);
  }

  /** Why base image {@code ref} could not be had, or null (the FROM step reports it). */
  RuntimeException unresolvedBase(String ref) {
    return unresolvedBases.get(ref);
  }

  /**
   * Makes the blobs of {@code layers} present in the store before their bytes are read: a hit
   * served by a --cache-from cache leaves its blob there until now.
   */
  public void fetch(List<StageResult.Layer> layers) throws IOException {
    for (StageResult.Layer l : layers) {
      imported().fetch(store(), l.blob().digest());
    }
  }

  /** The blobs of cache records, as {@link #fetch(List)} does for layers. */
  void fetchRecords(Collection<CacheRecord> records) throws IOException {
    for (CacheRecord r : records) {
      if (r.hasLayer()) {
        imported().fetch(store(), r.blob());
      }
    }
  }
}
