package dev.strata.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.oci.Json;
import dev.strata.solver.BuildRecords;
import dev.strata.store.Store;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata cache history [--dockerfile PATH] [--json]}: the recorded builds over time with hit
 * rate, seconds and bytes written, and the top cache busters: the steps whose own inputs changed
 * most often (a miss that only follows another is not counted), with their last reason.
 */
@Command(
    name = "history",
    description = "Show recorded builds with their hit rates, and the steps that miss most often.")
final class CacheHistoryCommand implements Callable<Integer> {
  /** How many cache busters are listed. */
  private static final int TOP = 5;

  @ParentCommand CacheCommand cache;
  @Spec CommandSpec spec;

  @Option(
      names = "--dockerfile",
      paramLabel = "PATH",
      description = "Only the builds of this Dockerfile.")
  Path dockerfile;

  @Option(names = "--json", description = "Print JSON (schema in README).")
  boolean json;

  /** A step that missed of its own accord: how often, and the last reason. */
  private static final class Buster {
    final String dockerfile;
    final String stage;
    final String instruction;
    int misses;
    String lastReason;

    Buster(String dockerfile, String stage, String instruction) {
      this.dockerfile = dockerfile;
      this.stage = stage;
      this.instruction = instruction;
    }
  }

  @Override
  public Integer call() throws Exception {
    List<JsonNode> builds;
    try (Store store = cache.top.openStore()) {
      BuildRecords all = BuildRecords.of(store);
      builds =
          dockerfile == null
              ? all.all()
              : all.of(dockerfile.toAbsolutePath().normalize().toString());
    }
    Map<String, Buster> busters = new LinkedHashMap<>();
    for (JsonNode b : builds) {
      for (JsonNode s : b.path("steps")) {
        if (!"miss".equals(s.path("cache").asText())
            || "follows".equals(s.path("cause").asText())
            || "first build of this Dockerfile".equals(s.path("reason").asText())) {
          continue;
        }
        String stage =
            s.path("stageName").isTextual()
                ? s.get("stageName").asText()
                : s.path("stage").asText();
        String df = b.path("dockerfilePath").asText();
        Buster x =
            busters.computeIfAbsent(
                df + "\0" + stage + "\0" + s.path("instruction").asText(),
                k -> new Buster(df, stage, s.path("instruction").asText()));
        x.misses++;
        x.lastReason = s.path("reason").asText(null);
      }
    }
    List<Buster> top = new ArrayList<>(busters.values());
    top.sort((a, c) -> Integer.compare(c.misses, a.misses));
    top = top.subList(0, Math.min(TOP, top.size()));
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectNode o = Json.object();
      ArrayNode bs = o.putArray("builds");
      for (JsonNode b : builds) {
        ObjectNode e = bs.addObject();
        for (String f : List.of("buildId", "time", "dockerfile", "dockerfilePath", "target")) {
          e.put(f, b.path(f).asText(null));
        }
        e.put("hitRate", b.path("hitRate").asDouble());
        e.put("seconds", b.path("seconds").asDouble());
        e.put("bytesWritten", b.path("bytesWritten").asLong());
        int misses = 0;
        for (JsonNode s : b.path("steps")) {
          misses += "miss".equals(s.path("cache").asText()) ? 1 : 0;
        }
        e.put("misses", misses);
      }
      ArrayNode ts = o.putArray("busters");
      for (Buster x : top) {
        ObjectNode e = ts.addObject();
        e.put("dockerfilePath", x.dockerfile);
        e.put("stage", x.stage);
        e.put("instruction", x.instruction);
        e.put("misses", x.misses);
        e.put("lastReason", x.lastReason);
      }
      out.println(Json.pretty(o));
      return 0;
    }
    out.printf(
        "%-20s  %-12s  %6s  %8s  %10s  %s%n",
        "TIME", "BUILD", "HITS", "SECONDS", "WRITTEN", "DOCKERFILE");
    for (JsonNode b : builds) {
      out.printf(
          "%-20s  %-12s  %5.0f%%  %8.1f  %10s  %s%n",
          b.path("time").asText().replaceFirst("\\.\\d+Z$", "Z"),
          b.path("buildId")
              .asText()
              .substring(0, Math.min(12, b.path("buildId").asText().length())),
          100 * b.path("hitRate").asDouble(),
          b.path("seconds").asDouble(),
          Format.bytes(b.path("bytesWritten").asLong()),
          b.path("dockerfilePath").asText());
    }
    if (!top.isEmpty()) {
      out.println();
      out.println("Top cache busters (misses of their own, not following another):");
      for (Buster x : top) {
        out.printf(
            "%3d x [%s] %s%n      last: %s%n",
            x.misses, x.stage, x.instruction, x.lastReason == null ? "-" : x.lastReason);
      }
    }
    return 0;
  }
}
