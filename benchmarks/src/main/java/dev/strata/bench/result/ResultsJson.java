package dev.strata.bench.result;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The one JSON form of {@link BenchResults} (results.json). Fields are written in a fixed order, by
 * hand rather than by reflection, so the file is stable for diffs and golden tests; unknown values
 * are null (or -1 for sizes, as documented in README "strata bench").
 */
public final class ResultsJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ResultsJson() {}

  public static String write(BenchResults r) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("schemaVersion", r.schemaVersion());
    o.put("kind", r.kind());
    o.put("source", r.source());
    o.put("range", r.range());
    o.put("dockerfile", r.dockerfile());
    o.put("target", r.target());
    o.put("machine", r.machine());
    o.put("startedAt", r.startedAt());
    ArrayNode bs = o.putArray("builders");
    for (BuilderInfo b : r.builders()) {
      ObjectNode n = bs.addObject();
      n.put("name", b.name());
      n.put("version", b.version());
      n.put("missing", b.missing());
      n.put("hitMethod", b.hitMethod());
    }
    ArrayNode ps = o.putArray("points");
    for (Point p : r.points()) {
      ObjectNode n = ps.addObject();
      n.put("index", p.index());
      n.put("id", p.id());
      n.put("title", p.title());
      ArrayNode files = n.putArray("changedFiles");
      p.changedFiles().forEach(files::add);
      ArrayNode ignored = n.putArray("ignoredFiles");
      p.ignoredFiles().forEach(ignored::add);
      ArrayNode builds = n.putArray("builds");
      for (BuildResult b : p.builds()) {
        writeBuild(builds.addObject(), b);
      }
    }
    try {
      return MAPPER.writeValueAsString(o) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException("cannot write results as JSON", e);
    }
  }

  private static void writeBuild(ObjectNode n, BuildResult b) {
    n.put("builder", b.builder());
    n.put("status", b.status());
    n.put("error", b.error());
    n.put("wallSeconds", round(b.wallSeconds()));
    n.put("cpuSeconds", round(b.cpuSeconds()));
    n.put("peakRssKb", b.peakRssKb());
    n.put("stepsRun", b.stepsRun());
    n.put("stepsCached", b.stepsCached());
    if (b.hitRate() == null) {
      n.putNull("hitRate");
    } else {
      n.put("hitRate", Math.round(b.hitRate() * 1000) / 1000.0);
    }
    n.put("newLayerBytes", b.newLayerBytes());
    n.put("imageDigest", b.imageDigest());
    n.put("imageId", b.imageId());
    n.put("log", b.log());
    ArrayNode steps = n.putArray("steps");
    for (StepResult s : b.steps()) {
      ObjectNode st = steps.addObject();
      st.put("stage", s.stage());
      st.put("stageName", s.stageName());
      st.put("line", s.line());
      st.put("instruction", s.instruction());
      st.put("cache", s.cache());
      st.put("reason", s.reason());
      st.put("seconds", round(s.seconds()));
      st.put("layerBytes", s.layerBytes());
    }
  }

  private static double round(double seconds) {
    return Math.round(seconds * 1000) / 1000.0;
  }

  /** Reads what {@link #write} wrote. */
  public static BenchResults read(String json) throws IOException {
    JsonNode o = MAPPER.readTree(json);
    int version = o.path("schemaVersion").asInt();
    if (version != BenchResults.SCHEMA_VERSION) {
      throw new IOException(
          "results.json has schemaVersion "
              + version
              + "; this Strata reads "
              + BenchResults.SCHEMA_VERSION);
    }
    List<BuilderInfo> builders = new ArrayList<>();
    for (JsonNode b : o.path("builders")) {
      builders.add(
          new BuilderInfo(
              text(b, "name"), text(b, "version"), text(b, "missing"), text(b, "hitMethod")));
    }
    List<Point> points = new ArrayList<>();
    for (JsonNode p : o.path("points")) {
      List<String> files = new ArrayList<>();
      p.path("changedFiles").forEach(f -> files.add(f.asText()));
      List<String> ignored = new ArrayList<>();
      p.path("ignoredFiles").forEach(f -> ignored.add(f.asText()));
      List<BuildResult> builds = new ArrayList<>();
      for (JsonNode b : p.path("builds")) {
        builds.add(readBuild(b));
      }
      points.add(
          new Point(
              p.path("index").asInt(), text(p, "id"), text(p, "title"), files, ignored, builds));
    }
    return new BenchResults(
        version,
        text(o, "kind"),
        text(o, "source"),
        text(o, "range"),
        text(o, "dockerfile"),
        text(o, "target"),
        text(o, "machine"),
        text(o, "startedAt"),
        builders,
        points);
  }

  private static BuildResult readBuild(JsonNode b) {
    List<StepResult> steps = new ArrayList<>();
    for (JsonNode s : b.path("steps")) {
      steps.add(readStep(s));
    }
    JsonNode hr = b.path("hitRate");
    return new BuildResult(
        text(b, "builder"),
        text(b, "status"),
        text(b, "error"),
        b.path("wallSeconds").asDouble(),
        b.path("cpuSeconds").asDouble(),
        b.path("peakRssKb").asLong(),
        b.path("stepsRun").asInt(),
        b.path("stepsCached").asInt(),
        hr.isNumber() ? hr.asDouble() : null,
        b.path("newLayerBytes").asLong(-1),
        text(b, "imageDigest"),
        text(b, "imageId"),
        text(b, "log"),
        steps);
  }

  /**
   * A step as results.json holds it, which is also the shape of a step in Strata's {@code
   * --stats-json} (README "The cache"): StrataBuilder reads those with this too.
   */
  public static StepResult readStep(JsonNode s) {
    return new StepResult(
        s.path("stage").asInt(),
        text(s, "stageName"),
        s.path("line").asInt(),
        text(s, "instruction"),
        text(s, "cache"),
        text(s, "reason"),
        s.path("seconds").asDouble(),
        s.path("layerBytes").asLong(-1));
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
