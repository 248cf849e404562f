package dev.strata.bench.report;

import dev.strata.bench.result.BenchResults;
import dev.strata.bench.result.BuildResult;
import dev.strata.bench.result.BuilderInfo;
import dev.strata.bench.result.Point;
import dev.strata.bench.result.StepResult;
import java.util.List;
import java.util.Locale;

/** report.md: totals, cache busters, charts, and a row per state and builder. */
public final class MarkdownReport {
  private static final int TOP = 10;

  private MarkdownReport() {}

  public static String render(BenchResults r) {
    StringBuilder md = new StringBuilder();
    md.append("# strata bench ")
        .append(r.kind())
        .append(": ")
        .append(r.range())
        .append(" of ")
        .append(r.source())
        .append("\n\n");
    md.append("Started ")
        .append(r.startedAt())
        .append(" on ")
        .append(r.machine())
        .append(". Dockerfile `")
        .append(r.dockerfile())
        .append("`, target ")
        .append(r.target() == null ? "the last stage" : "`" + r.target() + "`")
        .append(", ")
        .append(r.points().size())
        .append(r.kind().equals("replay") ? " commits" : " states")
        .append(".\n\n");
    md.append("| builder | version | hits counted from |\n|---|---|---|\n");
    for (BuilderInfo b : r.builders()) {
      md.append("| ")
          .append(b.name())
          .append(" | ")
          .append(b.missing() != null ? "**missing**: " + cell(b.missing()) : cell(b.version()))
          .append(" | ")
          .append(cell(b.hitMethod()))
          .append(" |\n");
    }
    totals(md, r);
    busters(md, r);
    md.append("\n## Charts\n\n")
        .append("![build time per state](charts/build-time.svg)\n")
        .append("![hit rate per state](charts/hit-rate.svg)\n")
        .append("![cumulative build time](charts/cumulative-time.svg)\n");
    perPoint(md, r);
    misses(md, r);
    return md.toString();
  }

  private static void totals(StringBuilder md, BenchResults r) {
    md.append("\n## Totals\n\n")
        .append(
            "| builder | builds | failed | total build time s | time saved by the cache s |"
                + " mean hit rate | CPU s | max peak RSS MB | new layers |\n")
        .append("|---|---|---|---|---|---|---|---|---|\n");
    for (BuilderInfo b : r.builders()) {
      if (b.missing() != null) {
        md.append("| ").append(b.name()).append(" | **missing** | | | | | | | |\n");
        continue;
      }
      Totals t = Totals.of(r, b.name());
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %d | %.2f | %.2f | %s | %.2f | %.0f | %s |%n",
              b.name(),
              t.builds(),
              t.failed(),
              t.totalSeconds(),
              t.savedSeconds(),
              percent(t.meanHitRate()),
              t.cpuSeconds(),
              t.maxPeakRssKb() / 1024.0,
              size(t.newLayerBytes())));
    }
    md.append(
        "\nTime saved: the first (cold) build's time times the number of builds, minus the"
            + " total. Mean hit rate: over the builds after the first.\n");
  }

  private static void busters(StringBuilder md, BenchResults r) {
    if (r.builders().stream().noneMatch(b -> b.name().equals("strata"))) {
      return;
    }
    CacheBusters c = CacheBusters.of(r, "strata");
    md.append("\n## Top cache busters (from Strata's builds)\n\n")
        .append("Each build after the first is blamed on its first missed step;")
        .append(" files from that miss's reason where it names them, else the changed files")
        .append(" under the step's COPY/ADD sources (README, *strata bench*).\n\n");
    md.append("| file | builds busted | seconds re-run |\n|---|---|---|\n");
    List<CacheBusters.Buster> files = c.files();
    if (files.isEmpty()) {
      md.append("| (none) | 0 | 0 |\n");
    }
    for (CacheBusters.Buster b : files.subList(0, Math.min(TOP, files.size()))) {
      md.append(
          String.format(
              Locale.ROOT, "| `%s` | %d | %.2f |%n", cell(b.name()), b.builds(), b.seconds()));
    }
    md.append("\n| instruction | builds busted | seconds re-run |\n|---|---|---|\n");
    List<CacheBusters.Buster> ins = c.instructions();
    if (ins.isEmpty()) {
      md.append("| (none) | 0 | 0 |\n");
    }
    for (CacheBusters.Buster b : ins.subList(0, Math.min(TOP, ins.size()))) {
      md.append(
          String.format(
              Locale.ROOT, "| `%s` | %d | %.2f |%n", cell(b.name()), b.builds(), b.seconds()));
    }
  }

  private static void perPoint(StringBuilder md, BenchResults r) {
    md.append("\n## Per ")
        .append(r.kind().equals("replay") ? "commit" : "edit")
        .append("\n\n")
        .append(
            "| # | id | title | builder | wall s | CPU s | peak RSS MB | run / cached | hit rate |"
                + " new layers | image digest | first miss |\n")
        .append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Point p : r.points()) {
      for (BuildResult b : p.builds()) {
        md.append("| ")
            .append(p.index())
            .append(" | ")
            .append(cell(shortId(p.id())))
            .append(" | ")
            .append(cell(p.title()))
            .append(" | ")
            .append(b.builder())
            .append(" | ");
        if (!b.ok()) {
          md.append(b.status().equals("missing") ? "**missing**" : "**failed**")
              .append(" | | | | | | | ")
              .append(cell(b.error()))
              .append(" |\n");
          continue;
        }
        StepResult first = b.firstMiss();
        md.append(
            String.format(
                Locale.ROOT,
                "%.2f | %.2f | %.0f | %d / %d | %s | %s | %s | %s |%n",
                b.wallSeconds(),
                b.cpuSeconds(),
                b.peakRssKb() / 1024.0,
                b.stepsRun(),
                b.stepsCached(),
                percent(b.hitRate()),
                size(b.newLayerBytes()),
                b.imageDigest() == null ? "-" : "`" + shortDigest(b.imageDigest()) + "`",
                first == null
                    ? "-"
                    : "`"
                        + cell(first.instruction())
                        + "`"
                        + (first.reason() == null ? "" : ": " + cell(first.reason()))));
      }
    }
  }

  private static void misses(StringBuilder md, BenchResults r) {
    md.append("\n## Every miss of Strata, with its reason\n\n");
    boolean any = false;
    for (Point p : r.points()) {
      for (BuildResult b : p.builds()) {
        if (!b.builder().equals("strata") || !b.ok()) {
          continue;
        }
        for (StepResult s : b.steps()) {
          if (s.missed()) {
            any = true;
            md.append("- ")
                .append(p.index())
                .append(" ")
                .append(shortId(p.id()))
                .append(", line ")
                .append(s.line())
                .append(" `")
                .append(s.instruction())
                .append("`: ")
                .append(s.reason() == null ? "(no reason given)" : s.reason())
                .append("\n");
          }
        }
      }
    }
    if (!any) {
      md.append("(none)\n");
    }
  }

  static String percent(Double rate) {
    return rate == null ? "-" : String.format(Locale.ROOT, "%.0f%%", rate * 100);
  }

  /** Bytes in the unit that keeps them readable (B, KiB, MiB, GiB); "-" when unknown. */
  static String size(long bytes) {
    if (bytes < 0) {
      return "-";
    }
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB"};
    double v = bytes / 1024.0;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /** A commit hash shortened as git shows it; an edit's name as it is. */
  static String shortId(String id) {
    return id != null && id.matches("[0-9a-f]{40}") ? id.substring(0, 7) : id;
  }

  private static String shortDigest(String d) {
    int colon = d.indexOf(':');
    return d.length() > colon + 13 ? d.substring(0, colon + 13) : d;
  }

  /** Text safe in a table cell: no pipes, no line breaks. */
  static String cell(String s) {
    return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
  }
}
