package dev.strata.solver;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.buildcache.CacheKey;
import dev.strata.buildcache.CacheRecord;
import dev.strata.codec.Compression;
import dev.strata.frontend.ignore.DockerIgnore;
import dev.strata.frontend.instructions.Instruction;
import dev.strata.frontend.plan.BuildPlan;
import dev.strata.frontend.plan.Stage;
import dev.strata.frontend.plan.Step;
import dev.strata.index.LayerRecord;
import dev.strata.layer.Change;
import dev.strata.layer.LayerWriter;
import dev.strata.layer.snapshot.LayerRef;
import dev.strata.layer.snapshot.Snapshot;
import dev.strata.layer.snapshot.Snapshotter;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.ImageConfig;
import dev.strata.oci.Json;
import dev.strata.oci.MediaType;
import dev.strata.oci.Platform;
import dev.strata.remotecache.ImportedCache;
import dev.strata.sandbox.SandboxRunner;
import dev.strata.solver.config.ConfigChanges;
import dev.strata.solver.copy.CopyOp;
import dev.strata.solver.run.RunOp;
import dev.strata.store.BlobStore;
import dev.strata.store.Store;
import dev.strata.store.StoredImage;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One build's work (the builder's {@link Solver} facade plans, assembles and exports): the state of
 * one build: results and step statistics per stage. Stages build on several threads; each writes
 * only its own entries, and steps are numbered up front in build order, so numbers and the
 * statistics' order do not depend on which stage finished first. It walks each stage's steps, keys
 * them, looks them up in the cache and on a miss runs them into a snapshot and records the layer;
 * what a RUN or a COPY/ADD does of its own is in {@link RunOp} and {@link CopyOp}, what they read
 * from outside their rootfs in {@link StepSources}.
 */
public final class BuildRun {
  final BuildRequest req;
  final BuildPlan plan;
  final DockerIgnore ignore;
  final Map<Integer, StageResult> results = new java.util.concurrent.ConcurrentHashMap<>();
  final Map<Integer, List<StepStat>> stats = new java.util.concurrent.ConcurrentHashMap<>();
  final String buildId = UUID.randomUUID().toString();

  /** The stages to build, in build order (waves flattened). */
  final List<Integer> order = new ArrayList<>();

  /** Per stage, the number of its FROM step. */
  final Map<Integer, Integer> firstStep = new HashMap<>();

  final int totalSteps;

  /** Per stage, the cache records of its layer steps (hits and misses): what --cache-to exports. */
  final Map<Integer, Map<CacheKey, CacheRecord>> recorded =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final Store store;
  private final Snapshotter snapshotter;
  private final BuildProgress progress;

  /** Compute keys only: any step that must run, or any input that needs a mount, stops it. */
  private final boolean keysOnly;

  private final StepSources sources;
  private final RunOp runOp;
  private final CopyOp copyOp;

  /** The facts about stages' files the build used: what --cache-to exports beside the records. */
  final Map<String, String> facts = new java.util.concurrent.ConcurrentHashMap<>();

  /** The --cache-from bundles' records, looked up after the store's. */
  private final ImportedCache imported;

  BuildRun(
      Store store,
      Snapshotter snapshotter,
      SandboxRunner sandbox,
      BuildProgress progress,
      boolean keysOnly,
      BuildRequest req,
      BuildPlan plan,
      DockerIgnore ignore,
      ImportedCache imported) {
    this.store = store;
    this.imported = imported;
    this.snapshotter = snapshotter;
    this.progress = progress;
    this.keysOnly = keysOnly;
    this.req = req;
    this.plan = plan;
    this.ignore = ignore;
    this.sources =
        new StepSources(store, snapshotter, progress, req, plan, ignore, results, this::fetch);
    this.runOp = new RunOp(store, sandbox, progress, req, plan, sources);
    this.copyOp = new CopyOp(store, progress, keysOnly, sources, imported, facts);
    int n = 0;
    for (List<Integer> wave : plan.buildOrder()) {
      for (int idx : wave) {
        order.add(idx);
        firstStep.put(idx, n + 1);
        n += 1 + plan.stage(idx).steps().size();
      }
    }
    this.totalSteps = n;
  }

  List<StepStat> allStats() {
    List<StepStat> all = new ArrayList<>();
    for (int idx : order) {
      all.addAll(stats.getOrDefault(idx, List.of()));
    }
    return all;
  }

  StageResult buildStage(Stage stage) throws IOException, InterruptedException {
    List<StepStat> mine = new ArrayList<>();
    stats.put(stage.index(), mine);
    int number = firstStep.get(stage.index());
    long t = System.nanoTime();
    BuildProgress.Step from =
        step(stage, number++, stage.from().startLine(), "FROM " + stage.base());
    progress.started(from);
    StageResult base = watched(from, t, () -> base(stage));
    progress.done(from, null, secs(t));
    mine.add(
        new StepStat(
            stage.index(),
            stage.name(),
            stage.from().startLine(),
            "FROM " + stage.base(),
            null,
            null,
            base.key().toString(),
            secs(t),
            0));
    ImageConfig config = base.config();
    List<StageResult.Layer> layers = new ArrayList<>(base.layers());
    CacheKey key = base.key();
    boolean cmdSetHere = false;
    for (Step step : stage.steps()) {
      Instruction in = step.instruction();
      long ts = System.nanoTime();
      String text = in.location().original().strip();
      BuildProgress.Step ps = step(stage, number++, in.location().startLine(), text);
      progress.started(ps);
      if (in instanceof Instruction.Run
          || in instanceof Instruction.Copy
          || in instanceof Instruction.Add) {
        final ImageConfig cfg = config;
        final CacheKey parent = key;
        final List<StageResult.Layer> below = List.copyOf(layers);
        Map<String, String> inputs = watched(ps, ts, () -> inputs(stage, step, cfg, below));
        CacheKey k = parent.child(canonical(in), inputs);
        CacheKey recordKey = CopyOp.recordKey(step.copy(), k, canonical(in), inputs); // --link
        CacheRecord found = req.noCache() ? null : lookup(recordKey, inputs);
        if (found == null && keysOnly) {
          throw new NeedsNamespace();
        }
        String reason =
            found != null ? null : req.noCache() ? "--no-cache" : "no record for this key";
        CacheRecord rec =
            found != null
                ? found
                : watched(ps, ts, () -> execute(stage, step, ps, cfg, layers, inputs, recordKey));
        recorded
            .computeIfAbsent(stage.index(), i -> new java.util.concurrent.ConcurrentHashMap<>())
            .put(recordKey, rec);
        long bytes = 0;
        if (rec.hasLayer()) {
          layers.add(
              new StageResult.Layer(
                  rec.diffId(), new Descriptor(rec.mediaType(), rec.blob(), rec.size())));
          bytes = rec.size();
        }
        config =
            config.withLayer(
                rec.hasLayer() ? rec.diffId() : null, stepTime(rec), rec.createdBy(), null);
        key = k;
        String cache = found != null ? "hit" : "miss";
        progress.done(ps, cache, secs(ts));
        mine.add(
            new StepStat(
                stage.index(),
                stage.name(),
                in.location().startLine(),
                text,
                cache,
                reason,
                k.toString(),
                secs(ts),
                bytes));
      } else {
        if (in instanceof Instruction.Cmd) {
          cmdSetHere = true;
        }
        final ImageConfig cfg = config;
        final boolean cmdHere = cmdSetHere;
        config = watched(ps, ts, () -> ConfigChanges.apply(cfg, in, step.env().shell(), cmdHere));
        if (!(in instanceof Instruction.Arg)) {
          config = config.withLayer(null, historyTime(config, req), createdBy(in, step), null);
        }
        key = key.child(canonical(in), Map.of());
        progress.done(ps, null, secs(ts));
        mine.add(
            new StepStat(
                stage.index(),
                stage.name(),
                in.location().startLine(),
                text,
                null,
                null,
                key.toString(),
                secs(ts),
                0));
      }
    }
    return new StageResult(stage.index(), stage.name(), config, layers, key);
  }

  /**
   * A layer step's history time: when it ran, also on a hit (so a build whose steps all hit gives
   * the same image as the build before, as buildah's --layers and BuildKit do); with
   * SOURCE_DATE_EPOCH always the epoch.
   */
  private java.time.Instant stepTime(CacheRecord rec) {
    return req.sourceDateEpoch() == null && rec.created() != null ? rec.created() : req.created();
  }

  private BuildProgress.Step step(Stage stage, int number, int line, String text) {
    return new BuildProgress.Step(
        stage.index(), stage.displayName(), number, totalSteps, line, text);
  }

  /**
   * Work of one step whose failure ends the step: {@code failed} is sent, then it is thrown with
   * the step's {@code Dockerfile:LINE} attached. This is the one place a step's error gets its
   * location (STYLE.md; BuildKit wraps each instruction's error with its location once): the steps'
   * code throws plain messages.
   */
  private <T> T watched(BuildProgress.Step ps, long t0, StepWork<T> work)
      throws IOException, InterruptedException {
    try {
      return work.call();
    } catch (NeedsNamespace | ImportedCache.Refused e) {
      throw e; // not the step's failure: the build stops here, or starts again without a refused
      // cache blob
    } catch (InterruptedException e) {
      progress.failed(ps, "interrupted", secs(t0));
      throw e;
    } catch (IOException e) {
      BuildException located = located(ps, e);
      progress.failed(ps, located.getMessage(), secs(t0));
      throw located;
    } catch (BuildException e) {
      BuildException located =
          new BuildException(req.where(ps.line()) + ": " + e.getMessage(), e.exitCode(), e);
      progress.failed(ps, located.getMessage(), secs(t0));
      throw located;
    } catch (RuntimeException e) {
      progress.failed(ps, e.getMessage() == null ? e.toString() : e.getMessage(), secs(t0));
      throw e;
    }
  }

  /**
   * A step's I/O failure as the one line a user sees, with the step's line and text. Everything a
   * step writes lives in the store, so a full disk names the file, or else the store.
   */
  private BuildException located(BuildProgress.Step ps, IOException e) {
    String at = req.where(ps.line()) + ":";
    String reason = IoErrorText.describe(e);
    if (IoErrorText.isNoSpace(e)) {
      reason =
          IoErrorText.reason(e)
              + " writing "
              + (e instanceof FileSystemException f && f.getFile() != null
                  ? f.getFile()
                  : "to the store " + store.root());
    }
    return new BuildException(at + " " + StepText.clip(ps.text()) + ": " + reason, e);
  }

  private StageResult base(Stage stage) {
    if (stage.baseStage() != null) {
      StageResult b = results.get(stage.baseStage());
      return new StageResult(stage.index(), stage.name(), b.config(), b.layers(), b.key());
    }
    if ("scratch".equals(stage.base())) {
      Platform p = stage.platform() != null ? Platform.parse(stage.platform()) : Platform.host();
      ImageConfig c = ImageConfig.empty(p, req.created());
      return new StageResult(stage.index(), stage.name(), c, List.of(), CacheKey.scratch());
    }
    StoredImage img =
        store
            .find(stage.base())
            .orElseThrow(
                () ->
                    new BuildException(
                        "base image "
                            + stage.base()
                            + " is not in the store (offline by default: strata import, strata load or strata pull it first)"));
    return new StageResult(
        stage.index(), stage.name(), img.config(), layersOf(img), CacheKey.base(img.digest()));
  }

  /** The inputs of a RUN, COPY or ADD besides the instruction's own text. */
  private Map<String, String> inputs(
      Stage stage, Step step, ImageConfig config, List<StageResult.Layer> layers)
      throws IOException, InterruptedException {
    Map<String, String> in = new TreeMap<>();
    Instruction i = step.instruction();
    in.put("user", config.user());
    in.put("workdir", config.workingDir());
    if (i instanceof Instruction.Run) {
      runOp.security(step); // refuses --security=insecure without --allow before any lookup
      in.put("env", String.join("\n", runOp.runEnv(step, config)));
      in.put("shell", String.join(" ", step.env().shell()));
      in.put("network", runOp.network(step).name().toLowerCase());
      in.put("mounts", runOp.mountsInput(step));
    } else {
      copyOp.inputs(stage, step, layers, in);
    }
    return in;
  }

  /**
   * Releases what the stages held for the build (source snapshots, ADD downloads, the filtered
   * context of bind mounts); a failure to is a warning, never one that hides the build's own.
   */
  void release() {
    sources.closeSourceSnapshots();
    copyOp.closeRemotes();
    try {
      sources.dropFilteredContext();
    } catch (IOException e) {
      progress.warning(null, e.getMessage());
    }
  }

  private CacheRecord lookup(CacheKey k, Map<String, String> inputs) {
    CacheRecord r = store.withIndex(idx -> idx.cacheRecord(k));
    if (r != null && r.hasLayer() && !store.blobs().has(r.blob())) {
      r = null; // the layer was pruned: run the step again, unless a --cache-from bundle has it
    }
    if (r == null) {
      r = imported.lookup(k, inputs);
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

  /**
   * Makes the blobs of {@code layers} present in the store before their bytes are read: a hit
   * served by a --cache-from bundle leaves its blob there until now.
   */
  void fetch(List<StageResult.Layer> layers) throws IOException {
    for (StageResult.Layer l : layers) {
      imported.fetch(store, l.blob().digest());
    }
  }

  /** The blobs of cache records, as {@link #fetch(List)} does for layers. */
  void fetchRecords(Map<CacheKey, CacheRecord> records) throws IOException {
    for (CacheRecord r : records.values()) {
      if (r.hasLayer()) {
        imported.fetch(store, r.blob());
      }
    }
  }

  private CacheRecord execute(
      Stage stage,
      Step step,
      BuildProgress.Step ps,
      ImageConfig config,
      List<StageResult.Layer> layers,
      Map<String, String> inputs,
      CacheKey key)
      throws IOException, InterruptedException {
    Instruction in = step.instruction();
    boolean linked = step.copy() != null && step.copy().linked();
    // --link: the copy is made into an empty tree, a layer that does not depend on those below
    fetch(linked ? List.of() : layers);
    try (Snapshot snap = snapshotter.prepare(refs(store, linked ? List.of() : layers))) {
      if (in instanceof Instruction.Run r) {
        runOp.run(r, step, ps, config, snap.rootfs());
      } else if (in instanceof Instruction.Copy || in instanceof Instruction.Add) {
        copyOp.copy(stage, step, ps, config, snap.rootfs(), inputs);
      }
      List<Change> changes = snap.changes(Set.of());
      String createdBy = createdBy(in, step);
      if (changes.isEmpty()) {
        CacheRecord rec = new CacheRecord(null, null, null, 0, 0, createdBy, inputs, req.created());
        store.withIndex(
            idx -> {
              idx.putCacheRecord(key, rec);
              return null;
            });
        return rec;
      }
      LayerWriter writer =
          new LayerWriter(new LayerWriter.Options(Compression.ZSTD, req.sourceDateEpoch()));
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
              inputs,
              req.created());
      store.withIndex(
          idx -> {
            idx.putLayer(lr);
            idx.putCacheRecord(key, rec);
            return null;
          });
      return rec;
    }
  }

  BuildResult result(StoredImage img, double seconds) {
    int cacheable = 0;
    int hits = 0;
    List<StepStat> all = allStats();
    for (StepStat s : all) {
      if (s.cache() != null) {
        cacheable++;
        if (s.cache().equals("hit")) {
          hits++;
        }
      }
    }
    double hitRate = cacheable == 0 ? 1.0 : (double) hits / cacheable;
    ObjectNode o = Json.object();
    o.put("buildId", buildId);
    o.put("dockerfile", req.dockerfileName());
    o.put("target", plan.targetStage().displayName());
    o.put("imageDigest", img.digest().toString());
    o.put("imageId", img.id().toString());
    o.put("seconds", Math.round(seconds * 1000) / 1000.0);
    o.put("hitRate", Math.round(hitRate * 1000) / 1000.0);
    ArrayNode steps = o.putArray("steps");
    for (StepStat s : all) {
      ObjectNode st = steps.addObject();
      st.put("stage", s.stage());
      st.put("stageName", s.stageName());
      st.put("line", s.line());
      st.put("instruction", s.instruction());
      st.put("cache", s.cache());
      st.put("reason", s.reason());
      st.put("key", s.key());
      st.put("seconds", Math.round(s.seconds() * 1000) / 1000.0);
      st.put("layerBytes", s.layerBytes());
    }
    byte[] json = Json.bytes(o);
    store.withIndex(
        idx -> {
          idx.putBuildStats(buildId, json);
          return null;
        });
    return new BuildResult(img.id(), img.digest(), all, hitRate, json);
  }

  /** Thrown in keys-only mode where the build needs Strata's namespace after all. */
  public static final class NeedsNamespace extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NeedsNamespace() {
      super(null, null, false, false);
    }
  }

  /** A stored image's layers, diffID beside blob. */
  public static List<StageResult.Layer> layersOf(StoredImage img) {
    List<Digest> diffIds = img.config().diffIds();
    List<Descriptor> blobs = img.manifest().layers();
    if (diffIds.size() != blobs.size()) {
      throw new BuildException(
          "image "
              + img.name()
              + ": "
              + diffIds.size()
              + " diff_ids for "
              + blobs.size()
              + " layers");
    }
    List<StageResult.Layer> layers = new ArrayList<>();
    for (int i = 0; i < blobs.size(); i++) {
      layers.add(new StageResult.Layer(diffIds.get(i), blobs.get(i)));
    }
    return layers;
  }

  public static List<LayerRef> refs(Store store, List<StageResult.Layer> layers) {
    List<LayerRef> refs = new ArrayList<>();
    for (StageResult.Layer l : layers) {
      refs.add(ImageSnapshots.ref(store, l.diffId(), l.blob().digest()));
    }
    return refs;
  }

  /** The instruction as the cache key sees it: keyword, expanded args, flags, heredocs. */
  public static String canonical(Instruction in) {
    ObjectNode o = Json.object();
    o.put("keyword", in.keyword());
    o.set("args", ConfigChanges.strings(in.args()));
    ObjectNode flags = o.putObject("flags");
    new TreeMap<>(in.flags()).forEach((k, v) -> flags.set(k, ConfigChanges.strings(v)));
    ArrayNode h = o.putArray("heredocs");
    in.heredocs().forEach(d -> h.addObject().put("name", d.name()).put("content", d.content()));
    return Json.text(o);
  }

  /** history's created_by, in BuildKit's words. */
  static String createdBy(Instruction in, Step step) {
    if (in instanceof Instruction.Run r) {
      String cmd =
          r.command().exec()
              ? String.join(" ", r.command().args())
              : String.join(" ", step.env().shell()) + " " + r.command().shellLine();
      return "RUN " + cmd + " # buildkit";
    }
    return in.keyword()
        + " "
        + String.join(" ", in.args())
        + (in instanceof Instruction.Copy || in instanceof Instruction.Add ? " # buildkit" : "");
  }

  /** A step's work that may fail. */
  private interface StepWork<T> {
    T call() throws IOException, InterruptedException;
  }

  private static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  /**
   * The time of the newest history entry, else the config's: what a metadata-only step and the
   * image's {@code created} take, so they too stay the same when nothing ran.
   */
  static java.time.Instant historyTime(ImageConfig c, BuildRequest req) {
    if (req.sourceDateEpoch() != null) {
      return req.created();
    }
    com.fasterxml.jackson.databind.JsonNode h = c.json().path("history");
    if (h.isArray() && h.size() > 0) {
      String t = h.get(h.size() - 1).path("created").asText("");
      try {
        return java.time.Instant.parse(t);
      } catch (RuntimeException e) {
        // an image with odd history times: fall through
      }
    }
    return c.created() != null ? c.created() : req.created();
  }
}
