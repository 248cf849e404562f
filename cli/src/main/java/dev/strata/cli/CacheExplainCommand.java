package dev.strata.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.oci.Json;
import dev.strata.solver.BuildException;
import dev.strata.solver.BuildRecords;
import dev.strata.store.Store;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata cache explain [BUILD-ID|last] [--json]}: a recorded build's steps, hit or miss, and
 * why each missed, the first cause of a cascade marked as such and the misses that follow it
 * pointing back to it (README "strata cache").
 */
@Command(
    name = "explain",
    description =
        "Show why each step of a build hit or missed the cache (default: the last build).")
final class CacheExplainCommand implements Callable<Integer> {
  @ParentCommand CacheCommand cache;
  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "BUILD",
      arity = "0..1",
      description = "A build id (or its start), or last (default).")
  String build = "last";

  @Option(names = "--json", description = "Print the build record as JSON (schema in README).")
  boolean json;

  @Override
  public Integer call() throws Exception {
    JsonNode b;
    try (Store store = cache.top.openStore()) {
      b =
          BuildRecords.of(store)
              .find(build)
              .orElseThrow(
                  () ->
                      new BuildException(
                          "last".equals(build)
                              ? "no build recorded in this store yet"
                              : "no build " + build + " recorded in this store"));
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.pretty(numbered(b)));
      return 0;
    }
    JsonNode steps = b.path("steps");
    int cacheable = 0;
    int hits = 0;
    for (JsonNode s : steps) {
      if (!s.path("cache").isNull() && !s.path("cache").isMissingNode()) {
        cacheable++;
        hits += s.path("cache").asText().equals("hit") ? 1 : 0;
      }
    }
    out.printf(
        "build %s of %s, %s: %d of %d steps cached (%d%%), %.1fs, %s written%n",
        b.path("buildId").asText(),
        b.path("dockerfilePath").asText(b.path("dockerfile").asText()),
        Format.ago(Instant.parse(b.path("time").asText())),
        hits,
        cacheable,
        cacheable == 0 ? 100 : Math.round(100.0 * hits / cacheable),
        b.path("seconds").asDouble(),
        Format.bytes(b.path("bytesWritten").asLong()));
    int n = 0;
    for (JsonNode s : steps) {
      n++;
      String stage =
          s.path("stageName").isTextual() ? s.get("stageName").asText() : s.path("stage").asText();
      String cacheText = s.path("cache").isTextual() ? s.get("cache").asText() : "-";
      StringBuilder line =
          new StringBuilder(
              String.format(
                  "STEP %d/%d [%s] %-4s %s",
                  n, steps.size(), stage, cacheText, clip(s.path("instruction").asText())));
      if ("miss".equals(cacheText)) {
        line.append("\n    ");
        if ("follows".equals(s.path("cause").asText())) {
          line.append("follows STEP ").append(s.path("causeStep").asInt()).append(": ");
        } else {
          line.append("first cause: ");
        }
        line.append(s.path("reason").asText("(no reason recorded)"));
      }
      out.println(line);
    }
    return 0;
  }

  private static String clip(String s) {
    return s.length() > 70 ? s.substring(0, 67) + "..." : s;
  }

  /** The record with each step's number in the build ({@code STEP n/N}), as progress showed it. */
  static JsonNode numbered(JsonNode b) {
    ObjectNode o = b.deepCopy();
    int n = 0;
    for (JsonNode s : (ArrayNode) o.withArray("steps")) {
      ((ObjectNode) s).put("number", ++n);
    }
    return o;
  }
}
