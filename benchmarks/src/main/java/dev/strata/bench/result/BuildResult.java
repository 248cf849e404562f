package dev.strata.bench.result;

import java.util.List;

/**
 * One build of one point (commit or edit) by one builder.
 *
 * @param status "ok", "failed" (the build ran and failed) or "missing" (the builder is not there)
 * @param error why the build failed or the builder is missing, else null
 * @param peakRssKb the largest resident set of any process of the builder's tree (GNU time's %M)
 * @param hitRate cached / (cached + run) over the counted steps; null when nothing was counted
 * @param newLayerBytes bytes of the layers this build added (see README for each builder's
 *     measure), or -1 where unknown
 * @param imageDigest the manifest digest, or null where the builder does not give it
 * @param imageId the config digest, or null
 * @param log the builder's output, relative to the report's directory
 */
public record BuildResult(
    String builder,
    String status,
    String error,
    double wallSeconds,
    double cpuSeconds,
    long peakRssKb,
    int stepsRun,
    int stepsCached,
    Double hitRate,
    long newLayerBytes,
    String imageDigest,
    String imageId,
    String log,
    List<StepResult> steps) {

  public BuildResult {
    steps = List.copyOf(steps);
  }

  public boolean ok() {
    return "ok".equals(status);
  }

  /** A row for a builder that is not installed or cannot run here. */
  public static BuildResult missing(String builder, String why) {
    return new BuildResult(
        builder, "missing", why, 0, 0, 0, 0, 0, null, -1, null, null, null, List.of());
  }

  /** The first step that missed, or null when every counted step hit. */
  public StepResult firstMiss() {
    return steps.stream().filter(StepResult::missed).findFirst().orElse(null);
  }
}
