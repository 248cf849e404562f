package dev.strata.bench.builder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.bench.result.BuildResult;
import dev.strata.bench.result.ResultsJson;
import dev.strata.bench.result.StepResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Strata itself, run as a child process of the launcher ({@code bin/strata}) with its own {@code
 * --root} and {@code --stats-json}: every figure of a build (steps, hit or miss, each miss's
 * reason, layer bytes, digest) is read from that file, so the report says what Strata says and
 * gains whatever its statistics gain.
 */
public final class StrataBuilder implements Builder {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path launcher;
  private final Path store;
  private final Map<String, String> env;

  /**
   * @param launcher bin/strata (or any executable taking Strata's command line)
   * @param dir this builder's directory: the store and the tool environment go under it
   */
  public StrataBuilder(Path launcher, Path dir) throws IOException {
    this.launcher = launcher;
    this.store = dir.resolve("store");
    this.env = ToolEnvironment.make(dir.resolve("env"), dir.resolve("unused"), dir, "vfs");
  }

  @Override
  public String name() {
    return "strata";
  }

  @Override
  public String missing() {
    return Files.isExecutable(launcher)
        ? null
        : "the strata launcher " + launcher + " is not an executable file";
  }

  @Override
  public String version() throws IOException, InterruptedException {
    return Tools.output(List.of(launcher.toString(), "version"), env)
        .lines()
        .findFirst()
        .orElse("");
  }

  @Override
  public String hitMethod() {
    return "--stats-json: its hitRate, and each step's cache and reason (RUN/COPY/ADD counted)";
  }

  @Override
  public void prepare(List<BaseImage> bases) throws IOException, InterruptedException {
    for (BaseImage b : bases) {
      Tools.output(
          List.of(
              launcher.toString(),
              "--root",
              store.toString(),
              "pull",
              "--name",
              b.name(),
              "oci-archive:" + b.ociArchive()),
          env);
    }
  }

  @Override
  public BuildResult build(BuildRequest r) throws IOException, InterruptedException {
    Path log = r.log();
    Path stats = r.logDir().resolve(r.logName() + ".stats.json");
    Files.deleteIfExists(stats);
    List<String> cmd =
        new ArrayList<>(
            List.of(
                launcher.toString(),
                "--root",
                store.toString(),
                "--progress",
                "plain",
                "build",
                "-t",
                "bench",
                "-f",
                r.context().resolve(r.dockerfile()).toString(),
                "--stats-json",
                stats.toString()));
    cmd.addAll(r.lastArgs());
    Measured m = Measured.run(cmd, env, log);
    String logName = r.shownLog();
    if (m.exit() != 0 || !Files.isRegularFile(stats)) {
      return m.failed(
          name(),
          logName,
          m.exit() == 0 ? "it wrote no --stats-json file " + stats : Tools.lastLines(log, 3));
    }
    return fromStats(JSON.readTree(stats.toFile()), m, logName);
  }

  /** A build's figures from its --stats-json object (README "The cache" documents its shape). */
  static BuildResult fromStats(JsonNode s, Measured m, String logName) {
    List<StepResult> steps = new ArrayList<>();
    int run = 0;
    int cached = 0;
    long newBytes = 0;
    for (JsonNode st : s.path("steps")) {
      StepResult step = ResultsJson.readStep(st);
      steps.add(step);
      if (step.missed()) {
        run++;
        newBytes += Math.max(0, step.layerBytes());
      } else if (step.hit()) {
        cached++;
      }
    }
    return new BuildResult(
        "strata",
        "ok",
        null,
        m.wallSeconds(),
        m.cpuSeconds(),
        m.peakRssKb(),
        run,
        cached,
        s.path("hitRate").asDouble(),
        newBytes,
        s.path("imageDigest").asText(null),
        s.path("imageId").asText(null),
        logName,
        steps);
  }
}
