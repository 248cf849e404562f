package dev.strata.bench.report;

import dev.strata.bench.result.BenchResults;
import dev.strata.bench.result.BuildResult;
import dev.strata.bench.result.BuilderInfo;
import dev.strata.bench.result.ResultsJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/** Writes a run's results.json, report.md and charts/*.svg into one directory. */
public final class ReportWriter {
  private ReportWriter() {}

  public static void write(BenchResults r, Path dir) throws IOException {
    Files.createDirectories(dir.resolve("charts"));
    atomic(dir.resolve("results.json"), ResultsJson.write(r));
    atomic(dir.resolve("report.md"), MarkdownReport.render(r));
    atomic(dir.resolve("charts/build-time.svg"), buildTime(r));
    atomic(dir.resolve("charts/hit-rate.svg"), hitRate(r));
    atomic(dir.resolve("charts/cumulative-time.svg"), cumulative(r));
  }

  static String buildTime(BenchResults r) {
    List<SvgChart.Series> series = new ArrayList<>();
    for (BuilderInfo b : r.builders()) {
      List<Double> v = new ArrayList<>();
      for (BuildResult x : r.buildsOf(b.name())) {
        v.add(x.ok() ? x.wallSeconds() : null);
      }
      series.add(new SvgChart.Series(b.name(), v));
    }
    return SvgChart.render("Build time per " + unit(r), "wall seconds", labels(r), series, 0);
  }

  static String hitRate(BenchResults r) {
    List<SvgChart.Series> series = new ArrayList<>();
    for (BuilderInfo b : r.builders()) {
      List<Double> v = new ArrayList<>();
      for (BuildResult x : r.buildsOf(b.name())) {
        v.add(x.ok() && x.hitRate() != null ? x.hitRate() * 100 : null);
      }
      series.add(new SvgChart.Series(b.name(), v));
    }
    return SvgChart.render("Cache hit rate per " + unit(r), "hit rate %", labels(r), series, 100);
  }

  static String cumulative(BenchResults r) {
    List<SvgChart.Series> series = new ArrayList<>();
    for (BuilderInfo b : r.builders()) {
      List<Double> v = new ArrayList<>();
      double sum = 0;
      for (BuildResult x : r.buildsOf(b.name())) {
        if (x.ok()) {
          sum += x.wallSeconds();
          v.add(sum);
        } else {
          v.add(null);
        }
      }
      series.add(new SvgChart.Series(b.name(), v));
    }
    return SvgChart.render("Cumulative build time", "wall seconds", labels(r), series, 0);
  }

  private static String unit(BenchResults r) {
    return r.kind().equals("replay") ? "commit" : "edit";
  }

  private static List<String> labels(BenchResults r) {
    // short enough to stay inside the chart when turned 45 degrees
    return r.points().stream()
        .map(p -> p.index() + " " + MarkdownReport.shortId(p.id()))
        .map(l -> l.length() > 16 ? l.substring(0, 15) + "\u2026" : l)
        .toList();
  }

  private static void atomic(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
