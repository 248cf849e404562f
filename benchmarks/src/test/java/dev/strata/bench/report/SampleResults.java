package dev.strata.bench.report;

import dev.strata.bench.result.BenchResults;
import dev.strata.bench.result.BuildResult;
import dev.strata.bench.result.BuilderInfo;
import dev.strata.bench.result.Point;
import dev.strata.bench.result.StepResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Results of a made-up replay of 4 commits with strata and buildah (missing): a Go service whose
 * cmd/app/main.go changes in every commit, go.mod in one, the README (dockerignored) in one.
 */
final class SampleResults {
  private SampleResults() {}

  static final String[] COMMITS = {
    "1111111111111111111111111111111111111111",
    "2222222222222222222222222222222222222222",
    "3333333333333333333333333333333333333333",
    "4444444444444444444444444444444444444444"
  };

  static BenchResults replay() {
    List<Point> points = new ArrayList<>();
    points.add(
        point(0, "initial service", List.of(), strata(0, 12.5, "miss", "miss", "miss", "miss")));
    points.add(
        point(
            1,
            "greet by name",
            List.of("cmd/app/main.go"),
            strata(1, 6.25, "hit", "hit", "miss", "miss")));
    points.add(
        point(
            2,
            "bump a dependency",
            List.of("cmd/app/main.go", "go.mod"),
            strata(2, 11.0, "miss", "miss", "miss", "miss")));
    points.add(
        point(
            3,
            "log requests; README",
            List.of("README.md", "cmd/app/main.go"),
            strata(3, 6.5, "hit", "hit", "miss", "miss")));
    return new BenchResults(
        BenchResults.SCHEMA_VERSION,
        "replay",
        "/src/service",
        "v1..main",
        "Dockerfile",
        null,
        "2 cores, 24 GiB memory, Debian GNU/Linux 12 (bookworm), Linux 6.1.0, Java 17.0.15",
        "2026-12-07T19:00:00Z",
        List.of(
            new BuilderInfo("strata", "strata 0.1.0", null, "--stats-json"),
            new BuilderInfo(
                "buildah", null, "buildah is not installed (apt-get install buildah)", "output")),
        points);
  }

  private static Point point(int i, String title, List<String> changed, BuildResult strata) {
    return new Point(
        i,
        COMMITS[i],
        title,
        changed,
        changed.stream().filter(f -> f.endsWith(".md")).toList(), // .dockerignore: *.md
        List.of(
            strata,
            BuildResult.missing("buildah", "buildah is not installed (apt-get install buildah)")));
  }

  private static final String[] STEPS = {
    "COPY go.mod go.sum ./", "RUN go mod download", "COPY . .", "RUN go build -o /app ./cmd/app"
  };

  private static BuildResult strata(int i, double wall, String... cache) {
    List<StepResult> steps = new ArrayList<>();
    steps.add(new StepResult(0, "builder", 1, "FROM golang:1.19 AS builder", null, null, 0.01, 0));
    int run = 0;
    long bytes = 0;
    for (int s = 0; s < STEPS.length; s++) {
      boolean miss = cache[s].equals("miss");
      String reason = miss ? "no record for this key" : null;
      if (miss && i > 0 && i < 3 && s == 2) {
        reason = "1 file changed: cmd/app/main.go"; // commit 3's reason names none: git's list
      }
      long layer = 1000L * (s + 1);
      steps.add(
          new StepResult(0, "builder", 3 + s, STEPS[s], cache[s], reason, miss ? 1.5 : 0, layer));
      if (miss) {
        run++;
        bytes += layer;
      }
    }
    steps.add(new StepResult(1, null, 9, "FROM scratch", null, null, 0, 0));
    return new BuildResult(
        "strata",
        "ok",
        null,
        wall,
        wall * 1.5,
        180_000 + i,
        run,
        4 - run,
        (4 - run) / 4.0,
        bytes,
        "sha256:" + String.valueOf((char) ('a' + i)).repeat(64),
        "sha256:" + String.valueOf((char) ('c' + i)).repeat(64),
        "logs/strata/00" + i + ".log",
        steps);
  }
}
