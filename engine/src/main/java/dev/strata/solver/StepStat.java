package dev.strata.solver;

import dev.strata.frontend.plan.Stage;

/**
 * One step's line in the build statistics (DESIGN.md "Build statistics").
 *
 * @param cache "hit" or "miss", or null for FROM and metadata-only steps (not cacheable)
 * @param position the step's place in its stage (FROM is 0)
 * @param parent the key the step chains from (null for FROM)
 * @param recordKey the key its record is found by (the chained key but for COPY --link)
 * @param cause for a miss, "first" when it has a cause of its own, "follows" when it follows the
 *     miss of step {@code causeStep}; else null
 * @param causeStep the number of the step whose miss this one follows (or its own), else 0
 * @param base for a FROM step of an image, the manifest digest it resolved to; else null
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
    long layerBytes,
    int position,
    String parent,
    String recordKey,
    String cause,
    int causeStep,
    String base) {
  /** The statistics line of a FROM or metadata step {@code ps} of {@code stage}. */
  static StepStat of(
      BuildProgress.Step ps, Stage stage, int position, String key, double seconds, String base) {
    return new StepStat(
        stage.index(),
        stage.name(),
        ps.line(),
        ps.text(),
        null,
        null,
        key,
        seconds,
        0,
        position,
        null,
        null,
        null,
        0,
        base);
  }
}
