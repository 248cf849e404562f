package dev.strata.solver;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.buildcache.CacheKey;
import dev.strata.buildcache.CacheRecord;
import dev.strata.frontend.plan.BuildPlan;
import dev.strata.oci.Json;
import dev.strata.store.Store;
import dev.strata.store.StoredImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The record of one build: which stages it builds in which order, how its steps are numbered, and
 * per stage the steps' statistics and the cache records they used or made. Stages build on several
 * threads; each writes only its own entries, and steps are numbered up front in build order, so
 * numbers and the statistics' order do not depend on which stage finished first.
 */
final class BuildRun {
  private final String buildId = UUID.randomUUID().toString();
  private final java.time.Instant started = java.time.Instant.now();
  private final BuildRequest req;
  private final BuildPlan plan;

  /** The stages to build, in build order (waves flattened). */
  private final List<Integer> order = new ArrayList<>();

  /** Per stage, the number of its FROM step. */
  private final Map<Integer, Integer> firstStep = new HashMap<>();

  private final int totalSteps;
  private final Map<Integer, List<StepStat>> stats = new ConcurrentHashMap<>();

  /** Per stage, the cache records of its layer steps (hits and misses): what --cache-to exports. */
  private final Map<Integer, Map<CacheKey, CacheRecord>> recorded = new ConcurrentHashMap<>();

  BuildRun(BuildRequest req, BuildPlan plan) {
    this.req = req;
    this.plan = plan;
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

  List<Integer> order() {
    return order;
  }

  int firstStep(int stage) {
    return firstStep.get(stage);
  }

  int totalSteps() {
    return totalSteps;
  }

  /** The statistics of {@code stage}'s steps, which its thread fills. */
  List<StepStat> statsOf(int stage) {
    List<StepStat> mine = new ArrayList<>();
    stats.put(stage, mine);
    return mine;
  }

  void recorded(int stage, CacheKey key, CacheRecord rec) {
    recorded.computeIfAbsent(stage, i -> new ConcurrentHashMap<>()).put(key, rec);
  }

  /** The records of {@code stage}'s layer steps. */
  Map<CacheKey, CacheRecord> recordedOf(int stage) {
    return recorded.getOrDefault(stage, Map.of());
  }

  /** The records of every stage's layer steps. */
  List<Map<CacheKey, CacheRecord>> allRecorded() {
    return List.copyOf(recorded.values());
  }

  List<StepStat> allStats() {
    List<StepStat> all = new ArrayList<>();
    for (int idx : order) {
      all.addAll(stats.getOrDefault(idx, List.of()));
    }
    return all;
  }

  /** The build's result, its statistics (DESIGN.md shape) kept in the store's index. */
  BuildResult result(Store store, StoredImage img, double seconds) {
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
    o.put("dockerfile", req.source().dockerfile().name());
    o.put("dockerfilePath", MissReasons.dockerfilePath(req));
    o.put("time", started.toString());
    ObjectNode args = o.putObject("buildArgs"); // for a later miss to name the one that changed
    new TreeMap<>(req.source().buildArgs()).forEach(args::put);
    o.put("target", plan.targetStage().displayName());
    o.put("imageDigest", img.digest().toString());
    o.put("imageId", img.id().toString());
    o.put("seconds", Math.round(seconds * 1000) / 1000.0);
    o.put("hitRate", Math.round(hitRate * 1000) / 1000.0);
    long written = 0;
    for (StepStat s : all) {
      written += "miss".equals(s.cache()) ? s.layerBytes() : 0;
    }
    o.put("bytesWritten", written);
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
      st.put("position", s.position());
      putIf(st, "parent", s.parent());
      putIf(st, "recordKey", s.recordKey());
      putIf(st, "cause", s.cause());
      if (s.causeStep() > 0) {
        st.put("causeStep", s.causeStep());
      }
      putIf(st, "base", s.base());
    }
    byte[] json = Json.bytes(o);
    store.withIndex(
        idx -> {
          idx.builds().put(buildId, json);
          return null;
        });
    return new BuildResult(img.id(), img.digest(), all, hitRate, json);
  }

  private static void putIf(ObjectNode o, String name, String value) {
    if (value != null) {
      o.put(name, value);
    }
  }
}
