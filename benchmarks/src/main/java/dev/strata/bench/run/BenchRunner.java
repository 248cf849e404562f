package dev.strata.bench.run;

import dev.strata.bench.builder.BaseImage;
import dev.strata.bench.builder.BuildRequest;
import dev.strata.bench.builder.Builder;
import dev.strata.bench.result.BenchResults;
import dev.strata.bench.result.BuildResult;
import dev.strata.bench.result.BuilderInfo;
import dev.strata.bench.result.Point;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Builds every state of a {@link PointSource} with every builder in turn, in one run, each on its
 * own persistent store; prints a progress line per build and hands the results so far to a listener
 * after each state (so a long run leaves a report even when stopped).
 */
public final class BenchRunner {
  /**
   * What is run, for results.json.
   *
   * @param kind "replay" or "edits"
   * @param source the repository or context
   * @param range the commit range or the edit script
   * @param dockerfile relative to the context
   * @param target the stage, or null
   * @param out the run's directory: context, logs and the builders' stores go under it
   */
  public record Settings(
      String kind, String source, String range, String dockerfile, String target, Path out) {}

  private final Settings settings;
  private final List<Builder> builders;
  private final PrintWriter progress;

  public BenchRunner(Settings settings, List<Builder> builders, PrintWriter progress) {
    this.settings = settings;
    this.builders = List.copyOf(builders);
    this.progress = progress;
  }

  /** Runs everything; {@code afterEachPoint} gets the results so far. */
  public BenchResults run(
      PointSource source, List<BaseImage> bases, Consumer<BenchResults> afterEachPoint)
      throws IOException, InterruptedException {
    String startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    List<BuilderInfo> infos = new ArrayList<>();
    for (Builder b : builders) {
      String missing = b.missing();
      String version = null;
      if (missing == null) {
        try {
          version = b.version();
          b.prepare(bases);
        } catch (IOException e) {
          missing = "cannot prepare " + b.name() + ": " + e.getMessage();
        }
      }
      if (missing != null) {
        progress.println("bench: builder " + b.name() + " is missing: " + missing);
        progress.flush();
      }
      infos.add(new BuilderInfo(b.name(), version, missing, b.hitMethod()));
    }
    Path context = Files.createDirectories(settings.out().resolve("work/context"));
    Path logs = Files.createDirectories(settings.out().resolve("logs"));
    List<Point> points = new ArrayList<>();
    BenchResults results = null;
    int n = source.size();
    for (int i = 0; i < n; i++) {
      PointSource.State state = source.prepare(i, context);
      List<BuildResult> builds = new ArrayList<>();
      for (int j = 0; j < builders.size(); j++) {
        Builder b = builders.get(j);
        BuildResult r;
        if (infos.get(j).missing() != null) {
          r = BuildResult.missing(b.name(), infos.get(j).missing());
        } else {
          Path dir = Files.createDirectories(logs.resolve(b.name()));
          String logName = String.format(Locale.ROOT, "%03d-%s", i, safe(state.id()));
          r =
              b.build(
                  new BuildRequest(
                      context,
                      settings.dockerfile(),
                      settings.target(),
                      state.buildArgs(),
                      dir,
                      logName));
        }
        builds.add(r);
        progress.println(ProgressLine.of(i, n, state, r));
        progress.flush();
      }
      List<String> ignored =
          ContextIgnore.ignored(context, settings.dockerfile(), state.changedFiles());
      points.add(new Point(i, state.id(), state.title(), state.changedFiles(), ignored, builds));
      results =
          new BenchResults(
              BenchResults.SCHEMA_VERSION,
              settings.kind(),
              settings.source(),
              settings.range(),
              settings.dockerfile(),
              settings.target(),
              Machine.describe(),
              startedAt,
              infos,
              points);
      afterEachPoint.accept(results);
    }
    return results;
  }

  private static String safe(String id) {
    String s = id.replaceAll("[^A-Za-z0-9_.-]", "_");
    return s.length() > 40 ? s.substring(0, 40) : s;
  }
}
