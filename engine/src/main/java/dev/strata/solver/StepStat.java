package dev.strata.solver;

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
    long layerBytes) {}
