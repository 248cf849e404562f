package dev.strata.solver;

import dev.strata.buildcache.CacheKey;
import dev.strata.buildcache.CacheRecord;
import dev.strata.frontend.instructions.Instruction;
import dev.strata.frontend.plan.Stage;
import dev.strata.frontend.plan.Step;
import dev.strata.oci.Descriptor;
import dev.strata.oci.ImageConfig;
import dev.strata.oci.Platform;
import dev.strata.remotecache.ImportedCache;
import dev.strata.solver.config.ConfigChanges;
import dev.strata.solver.config.ConfigOp;
import dev.strata.solver.copy.CopyOp;
import dev.strata.solver.run.RunOp;
import dev.strata.store.StoredImage;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Walks a stage's steps (BuildKit's solver loop over a vertex's ops): for a layer step it asks the
 * step's {@link Operation} for its inputs, keys them, looks the key up, and only on a miss asks the
 * operation to run, through {@link LayerMaker}; a metadata step is a {@link ConfigOp}. Here, and
 * only here, a step's error gets its {@code Dockerfile:LINE} (STYLE.md). In the cache-only attempt
 * a step that must run ends the stage with "needs the namespace", a value.
 */
final class StepLoop {
  private final StepContext ctx;
  private final BuildRun run;
  private final RunOp runOp;
  private final CopyOp copyOp;
  private final LayerMaker layers;
  private final MissReasons reasons;

  StepLoop(StepContext ctx, BuildRun run) {
    this.ctx = ctx;
    this.run = run;
    this.runOp = new RunOp(ctx);
    this.copyOp = new CopyOp(ctx);
    this.layers = new LayerMaker(ctx);
    this.reasons = new MissReasons(ctx);
  }

  /** The stage built; empty when, in the cache-only attempt, it needs the namespace. */
  Optional<StageResult> buildStage(Stage stage) throws IOException, InterruptedException {
    List<StepStat> mine = run.statsOf(stage.index());
    int number = run.firstStep(stage.index());
    long t = System.nanoTime();
    String fromText = "FROM " + stage.base();
    BuildProgress.Step from = step(stage, number++, stage.from().startLine(), fromText);
    progress().started(from);
    StageResult base = watched(from, t, () -> base(stage));
    progress().done(from, null, secs(t));
    reasons.inherit(stage);
    mine.add(
        StepStat.of(from, stage, 0, base.key().toString(), secs(t), reasons.baseDigest(stage)));
    ImageConfig config = base.config();
    List<StageResult.Layer> below = new ArrayList<>(base.layers());
    CacheKey key = base.key();
    boolean cmdSetHere = false;
    int position = 0;
    for (Step step : stage.steps()) {
      position++;
      Instruction in = step.instruction();
      long ts = System.nanoTime();
      BuildProgress.Step ps =
          step(stage, number++, in.location().startLine(), in.location().original().strip());
      progress().started(ps);
      Operation op = operation(in);
      if (op == null) {
        cmdSetHere |= in instanceof Instruction.Cmd;
        final ImageConfig cfg = config;
        final boolean cmdHere = cmdSetHere;
        config = watched(ps, ts, () -> ConfigOp.apply(cfg, step, cmdHere, ctx.req()));
        key = key.child(StepText.canonical(in), Map.of());
        progress().done(ps, null, secs(ts));
        mine.add(StepStat.of(ps, stage, position, key.toString(), secs(ts), null));
        continue;
      }
      StepState state = new StepState(stage, step, config, below);
      StepInputs inputs = watched(ps, ts, () -> op.inputs(state));
      if (inputs.needsNamespaceToKnow()) {
        return Optional.empty();
      }
      String canonical = StepText.canonical(in);
      CacheKey k = key.child(canonical, inputs.values());
      CacheKey recordKey = op.recordKeyOf(step, k, canonical, inputs.values());
      CacheRecord found =
          ctx.req().cache().noCache() ? null : layers.lookup(recordKey, inputs.values());
      if (found == null && ctx.keysOnly()) {
        return Optional.empty();
      }
      MissReasons.Explained why =
          found != null
              ? null
              : reasons.explain(state, ps, position, inputs.values(), key, recordKey);
      if (why != null) {
        progress().missed(ps, why.reason());
      }
      CacheRecord rec =
          found != null
              ? found
              : watched(ps, ts, () -> layers.make(op, state, ps, inputs.values(), recordKey));
      run.recorded(stage.index(), recordKey, rec);
      long bytes = 0;
      if (rec.hasLayer()) {
        below.add(
            new StageResult.Layer(
                rec.diffId(), new Descriptor(rec.mediaType(), rec.blob(), rec.size())));
        bytes = rec.size();
      }
      config =
          config.withLayer(
              rec.hasLayer() ? rec.diffId() : null, stepTime(rec), rec.createdBy(), null);
      String cache = found != null ? "hit" : "miss";
      progress().done(ps, cache, secs(ts));
      mine.add(
          new StepStat(
              stage.index(),
              stage.name(),
              ps.line(),
              ps.text(),
              cache,
              why == null ? null : why.reason(),
              k.toString(),
              secs(ts),
              bytes,
              position,
              key.toString(),
              recordKey.toString(),
              why == null ? null : why.first() ? "first" : "follows",
              why == null ? 0 : why.causeStep(),
              null));
      key = k;
    }
    return Optional.of(new StageResult(stage.index(), stage.name(), config, below, key));
  }

  /** The operation of a layer step; null for a metadata-only one. */
  private Operation operation(Instruction in) {
    if (in instanceof Instruction.Run) {
      return runOp;
    }
    if (in instanceof Instruction.Copy || in instanceof Instruction.Add) {
      return copyOp;
    }
    return null;
  }

  /** Releases what the operations kept for the build; a failure is a warning. */
  void release() {
    runOp.release();
    copyOp.release();
  }

  private BuildProgress progress() {
    return ctx.progress();
  }

  /**
   * A layer step's history time: when it ran, also on a hit (so a build whose steps all hit gives
   * the same image as the build before, as buildah's --layers and BuildKit do); with
   * SOURCE_DATE_EPOCH always the epoch.
   */
  private Instant stepTime(CacheRecord rec) {
    BuildRequest req = ctx.req();
    return req.output().sourceDateEpoch() == null && rec.created() != null
        ? rec.created()
        : req.output().created();
  }

  private BuildProgress.Step step(Stage stage, int number, int line, String text) {
    return new BuildProgress.Step(
        stage.index(), stage.displayName(), number, run.totalSteps(), line, text);
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
    } catch (ImportedCache.Refused e) {
      throw e; // not the step's failure: the build starts again without a refused cache blob
    } catch (InterruptedException e) {
      progress().failed(ps, "interrupted", secs(t0));
      throw e;
    } catch (IOException e) {
      BuildException located = located(ps, e);
      progress().failed(ps, located.getMessage(), secs(t0));
      throw located;
    } catch (BuildException e) {
      BuildException located =
          new BuildException(ctx.req().where(ps.line()) + ": " + e.getMessage(), e.exitCode(), e);
      progress().failed(ps, located.getMessage(), secs(t0));
      throw located;
    } catch (RuntimeException e) {
      progress().failed(ps, e.getMessage() == null ? e.toString() : e.getMessage(), secs(t0));
      throw e;
    }
  }

  /**
   * A step's I/O failure as the one line a user sees, with the step's line and text. Everything a
   * step writes lives in the store, so a full disk names the file, or else the store.
   */
  private BuildException located(BuildProgress.Step ps, IOException e) {
    String at = ctx.req().where(ps.line()) + ":";
    String reason = IoErrorText.describe(e);
    if (IoErrorText.isNoSpace(e)) {
      reason =
          IoErrorText.reason(e)
              + " writing "
              + (e instanceof FileSystemException f && f.getFile() != null
                  ? f.getFile()
                  : "to the store " + ctx.store().root());
    }
    return new BuildException(at + " " + StepText.clip(ps.text()) + ": " + reason, e);
  }

  /** A stage's FROM: the stage it names, scratch, or a base image the build resolved. */
  private StageResult base(Stage stage) {
    if (stage.baseStage() != null) {
      StageResult b = ctx.result(stage.baseStage());
      return new StageResult(stage.index(), stage.name(), b.config(), b.layers(), b.key());
    }
    if ("scratch".equals(stage.base())) {
      Platform p = stage.platform() != null ? Platform.parse(stage.platform()) : Platform.host();
      ImageConfig c = ConfigChanges.withPath(ImageConfig.empty(p, ctx.req().output().created()));
      return new StageResult(stage.index(), stage.name(), c, List.of(), CacheKey.scratch());
    }
    RuntimeException unresolved = ctx.unresolvedBase(stage.base());
    if (unresolved != null) {
      throw new BuildException(
          "base image " + stage.base() + ": " + unresolved.getMessage(), unresolved);
    }
    StoredImage img =
        ctx.store()
            .find(stage.base())
            .orElseThrow(
                () ->
                    new BuildException(
                        "base image "
                            + stage.base()
                            + " is not in the store (offline by default: strata import, strata load or strata pull it first)"));
    return new StageResult(
        stage.index(),
        stage.name(),
        ConfigChanges.withPath(img.config()),
        StageResult.layersOf(img),
        CacheKey.base(img.digest()));
  }

  /** A step's work that may fail. */
  private interface StepWork<T> {
    T call() throws IOException, InterruptedException;
  }

  static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
