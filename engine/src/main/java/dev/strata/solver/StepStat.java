package dev.strata.solver;

import dev.strata.frontend.plan.Stage;

/**
 * One step's line in the build statistics (DESIGN.md "Build statistics").
 *
 * @param cache "hit" or "miss", or null for FROM and metadata-only steps (not cacheable)
 */
public record StepStat(
    int stage,
    String stageName,
    int line,
    String instruction,
    String cache,
    String reason,
    String key,
    double seconds,
    long layerBytes) {
  /** The statistics line of the step {@code ps} of {@code stage}. */
  static StepStat of(
      BuildProgress.Step ps,
      Stage stage,
      String cache,
      String reason,
      String key,
      double seconds,
      long layerBytes) {
    return new StepStat(
        stage.index(), stage.name(), ps.line(), ps.text(), cache, reason, key, seconds, layerBytes);
  }
}
