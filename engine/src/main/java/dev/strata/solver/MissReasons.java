package dev.strata.solver;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.buildcache.CacheKey;
import dev.strata.buildcache.CacheRecord;
import dev.strata.buildcache.InputsDiff;
import dev.strata.buildcache.KeyInputs;
import dev.strata.frontend.instructions.Instruction;
import dev.strata.frontend.instructions.KeyValue;
import dev.strata.frontend.plan.Stage;
import dev.strata.frontend.plan.Step;
import dev.strata.oci.Digest;
import dev.strata.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Why a step missed (issue 16), said against the nearest record of the same step: the step at the
 * same place of the same stage in the previous build of this Dockerfile, whose inputs its record
 * kept. Its own inputs changed (a file, an ARG, the instruction), or its base did, or it follows an
 * earlier miss, named as the first cause up the chain. Stages explain on their own threads; each
 * writes only its own first cause.
 */
final class MissReasons {
  /** A miss explained: the words, and whether it is a first cause or follows one (its step). */
  record Explained(String reason, boolean first, int causeStep) {}

  /** An own-cause miss: its step number and the words that name it. */
  private record Cause(int step, String text) {}

  private final StepContext ctx;
  private final Map<Integer, Cause> firstCause = new ConcurrentHashMap<>();

  /** The previous build of this Dockerfile, read at the first miss (a build that hits never). */
  private Optional<JsonNode> previous;

  MissReasons(StepContext ctx) {
    this.ctx = ctx;
  }

  private synchronized Optional<JsonNode> previous() {
    if (previous == null) {
      previous = BuildRecords.of(ctx.store()).last(dockerfilePath(ctx.req()));
    }
    return previous;
  }

  /** How builds of one Dockerfile are recognised: its absolute, normalised path. */
  static String dockerfilePath(BuildRequest req) {
    return req.source().dockerfile().path().toAbsolutePath().normalize().toString();
  }

  /** A stage built on another stage inherits the first cause of that stage's misses. */
  void inherit(Stage stage) {
    if (stage.baseStage() != null) {
      Cause c = firstCause.get(stage.baseStage());
      if (c != null) {
        firstCause.put(stage.index(), c);
      }
    }
  }

  /** The step as the previous build of this Dockerfile saw it, or null. */
  private JsonNode previousStep(Stage stage, int position, String text) {
    if (previous().isEmpty()) {
      return null;
    }
    JsonNode sameText = null;
    for (JsonNode s : previous().get().path("steps")) {
      if (!s.path("stageName").asText().equals(stage.name() == null ? "" : stage.name())
          && s.path("stage").asInt(-1) != stage.index()) {
        continue;
      }
      boolean samePlace = s.path("position").asInt(-1) == position;
      boolean same = s.path("instruction").asText().equals(text);
      if (samePlace && same) {
        return s;
      }
      if (same && sameText == null) {
        sameText = s;
      } else if (samePlace && sameText == null) {
        sameText = s; // moved or edited: still the nearest
      }
    }
    return sameText;
  }

  /** The base a stage's FROM resolved to in the previous build, or null. */
  private String previousBase(Stage stage) {
    JsonNode s = previousStep(stage, 0, null);
    return s == null ? null : s.path("base").asText(null);
  }

  /**
   * Why {@code state}'s step missed.
   *
   * @param ps the step as progress shows it (its number names it as a cause)
   * @param position its place in the stage (FROM is 0)
   * @param now its inputs
   * @param parent the key it chains from
   * @param recordKey the key its record was looked for under
   */
  Explained explain(
      StepState state,
      BuildProgress.Step ps,
      int position,
      KeyInputs now,
      CacheKey parent,
      CacheKey recordKey) {
    Stage stage = state.stage();
    if (ctx.req().cache().noCache()) {
      return own(stage, ps, "--no-cache");
    }
    JsonNode prev = previousStep(stage, position, ps.text());
    if (prev == null) {
      return own(
          stage,
          ps,
          previous().isEmpty()
              ? "first build of this Dockerfile"
              : "a step the previous build did not have");
    }
    Store store = ctx.store();
    if (prev.path("recordKey").asText().equals(recordKey.toString())) {
      CacheRecord r = store.withIndex(idx -> idx.cacheRecord(recordKey));
      return own(stage, ps, r == null ? "record was pruned" : "record's layer was pruned");
    }
    String ownChange = inputsChange(state, prev, now);
    if (ownChange.isEmpty() && !prev.path("instruction").asText().equals(ps.text())) {
      ownChange =
          "instruction changed: "
              + StepText.clip(prev.path("instruction").asText())
              + " -> "
              + StepText.clip(ps.text());
    }
    Cause from = upstream(state);
    if (!ownChange.isEmpty()) {
      // a COPY --from whose files changed because its stage missed follows that miss
      if (from != null) {
        firstCause.putIfAbsent(stage.index(), from); // the steps after it follow the same cause
        return new Explained(ownChange + " (after " + from.text() + ")", false, from.step());
      }
      return own(stage, ps, ownChange);
    }
    if (firstCause.get(stage.index()) == null && stage.baseStage() == null) {
      String before = previousBase(stage);
      String base = baseDigest(stage);
      if (before != null && base != null && !before.equals(base)) {
        return own(
            stage,
            ps,
            "base image " + stage.base() + " changed: " + clip(before) + " -> " + clip(base));
      }
    }
    Cause c = firstCause.get(stage.index());
    if (c != null) {
      return new Explained("parent step missed (first cause: " + c.text() + ")", false, c.step());
    }
    if (stage.baseStage() != null) {
      return own(stage, ps, "stage " + stage.base() + " changed");
    }
    String args = buildArgsChange(stage, position);
    if (!args.isEmpty()) {
      return own(
          stage, ps, args); // an ARG step above changed the chain, whose value came from here
    }
    return own(stage, ps, "parent step's key changed (" + clip(parent.toString()) + ")");
  }

  private static String clip(String digest) {
    return digest.startsWith("sha256:") && digest.length() > 19
        ? digest.substring(0, 19) + ".."
        : digest;
  }

  /** The cause in the stage a step copies or mounts from, when that stage missed. */
  private Cause upstream(StepState state) {
    String from = fromStage(state.step());
    if (from == null) {
      return null;
    }
    try {
      StageResult src = ctx.sources().stageByRef(from);
      return src.index() < 0 ? null : firstCause.get(src.index());
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String fromStage(Step step) {
    if (step.copy() != null && step.copy().from() != null) {
      return step.copy().from();
    }
    return null;
  }

  /** The manifest digest of a stage's base image as this build resolved it, or null. */
  String baseDigest(Stage stage) {
    if (stage.baseStage() != null || "scratch".equals(stage.base())) {
      return null;
    }
    return ctx.store().find(stage.base()).map(i -> i.digest().toString()).orElse(null);
  }

  private Explained own(Stage stage, BuildProgress.Step ps, String reason) {
    Cause c = new Cause(ps.number(), ps.text() + " (STEP " + ps.number() + "): " + reason);
    firstCause.putIfAbsent(stage.index(), c);
    return new Explained(reason, true, ps.number());
  }

  /**
   * The {@code --build-arg} values, of the ARGs this stage declares above {@code position}, that
   * differ from the previous build's: "" when none (or the previous build did not record them).
   */
  private String buildArgsChange(Stage stage, int position) {
    JsonNode before = previous().map(b -> b.get("buildArgs")).orElse(null);
    if (before == null) {
      return "";
    }
    Map<String, String> now = ctx.req().source().buildArgs();
    List<String> out = new ArrayList<>();
    for (int i = 0; i < position - 1 && i < stage.steps().size(); i++) {
      if (stage.steps().get(i).instruction() instanceof Instruction.Arg a) {
        for (KeyValue kv : a.declarations()) {
          String was = before.hasNonNull(kv.key()) ? before.get(kv.key()).asText() : null;
          String is = now.get(kv.key());
          if (!Objects.equals(was, is) && !out.contains(kv.key())) {
            out.add(
                "--build-arg "
                    + kv.key()
                    + " changed: "
                    + InputsDiff.shown(was)
                    + " -> "
                    + InputsDiff.shown(is));
          }
        }
      }
    }
    return String.join("; ", out);
  }

  /** What changed in the step's own inputs since the previous record: "" when nothing. */
  private String inputsChange(StepState state, JsonNode prev, KeyInputs now) {
    String key = prev.path("recordKey").asText(null);
    if (key == null) {
      return "";
    }
    Store store = ctx.store();
    CacheRecord r = store.withIndex(idx -> idx.cacheRecord(new CacheKey(Digest.parse(key))));
    if (r == null) {
      return "";
    }
    KeyInputs before = KeyInputs.decode(r.inputs());
    String copierNow = now.encode().get("copier");
    if (copierNow != null && !copierNow.equals(r.inputs().get("copier"))) {
      return "COPY/ADD behaviour changed since the record (Strata's copier "
          + r.inputs().getOrDefault("copier", "1")
          + " -> "
          + copierNow
          + ")";
    }
    String listingBefore = listing(before.files());
    String listingNow = listing(now.files());
    Step step = state.step();
    return InputsDiff.of(
        before,
        now,
        listingBefore,
        listingNow,
        name -> step.env().args().containsKey(name) && !step.env().env().containsKey(name));
  }

  private String listing(String files) {
    if (files == null || !files.startsWith("sha256:")) {
      return null;
    }
    return ctx.store().withIndex(idx -> idx.listings().get(Digest.parse(files)));
  }
}
