package dev.strata.bench.run;

import dev.strata.bench.result.BuildResult;
import java.util.Locale;

/** The line printed after each build: where the run is, and what the build cost and hit. */
final class ProgressLine {
  private ProgressLine() {}

  static String of(int i, int n, PointSource.State state, BuildResult r) {
    String id = state.id().length() > 12 ? state.id().substring(0, 12) : state.id();
    String head = String.format(Locale.ROOT, "[%d/%d] %-12s %-8s", i + 1, n, id, r.builder());
    String title = state.title() == null ? "" : "  " + state.title();
    return switch (r.status()) {
      case "missing" -> head + " MISSING: " + r.error();
      case "failed" ->
          head + String.format(Locale.ROOT, " %7.2f s FAILED: %s", r.wallSeconds(), r.error());
      default ->
          head
              + String.format(
                  Locale.ROOT,
                  " %7.2f s  %d run, %d cached (%s)%s",
                  r.wallSeconds(),
                  r.stepsRun(),
                  r.stepsCached(),
                  r.hitRate() == null
                      ? "-"
                      : String.format(Locale.ROOT, "%.0f%%", r.hitRate() * 100),
                  title);
    };
  }
}
