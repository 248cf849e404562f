package dev.strata.bench.report;

import dev.strata.bench.result.BenchResults;
import dev.strata.bench.result.BuildResult;
import java.util.List;

/**
 * One builder's sums over a run.
 *
 * @param builds builds that finished ("ok")
 * @param failed builds that failed or could not run
 * @param totalSeconds wall seconds of the finished builds
 * @param savedSeconds time saved by the cache: the first build's wall time (a cold store) times the
 *     number of finished builds, minus their total; what the range would have cost had every build
 *     been as cold as the first. 0 when the first build did not finish.
 * @param meanHitRate the mean of the hit rates of the finished builds after the first (the first
 *     meets an empty store), or null when there are none
 */
public record Totals(
    String builder,
    int builds,
    int failed,
    double totalSeconds,
    double savedSeconds,
    Double meanHitRate,
    double cpuSeconds,
    long maxPeakRssKb,
    long newLayerBytes) {

  public static Totals of(BenchResults r, String builder) {
    List<BuildResult> all = r.buildsOf(builder);
    int ok = 0;
    double total = 0;
    double cpu = 0;
    long rss = 0;
    long bytes = 0;
    double hitSum = 0;
    int hitN = 0;
    for (int i = 0; i < all.size(); i++) {
      BuildResult b = all.get(i);
      if (!b.ok()) {
        continue;
      }
      ok++;
      total += b.wallSeconds();
      cpu += b.cpuSeconds();
      rss = Math.max(rss, b.peakRssKb());
      bytes += Math.max(0, b.newLayerBytes());
      if (i > 0 && b.hitRate() != null) {
        hitSum += b.hitRate();
        hitN++;
      }
    }
    double saved = !all.isEmpty() && all.get(0).ok() ? all.get(0).wallSeconds() * ok - total : 0;
    return new Totals(
        builder,
        ok,
        all.size() - ok,
        total,
        saved,
        hitN == 0 ? null : hitSum / hitN,
        cpu,
        rss,
        bytes);
  }
}
