package dev.strata.bench.result;

/**
 * One step of one build, as the builder reported it.
 *
 * @param stage the stage's index, or -1 where the builder does not say
 * @param line the Dockerfile line, or 0 where the builder does not say (buildah)
 * @param instruction the instruction's text
 * @param cache "hit", "miss", or null for a step that is not counted (FROM, metadata-only)
 * @param reason why the step missed (Strata's {@code --stats-json} reason), or null
 * @param seconds the step's own time, or -1 where the builder does not say
 * @param layerBytes the step's layer size as stored, or -1 where unknown
 */
public record StepResult(
    int stage,
    String stageName,
    int line,
    String instruction,
    String cache,
    String reason,
    double seconds,
    long layerBytes) {

  public boolean missed() {
    return "miss".equals(cache);
  }

  public boolean hit() {
    return "hit".equals(cache);
  }
}
