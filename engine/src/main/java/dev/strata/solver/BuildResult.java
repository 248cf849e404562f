package dev.strata.solver;

import dev.strata.oci.Digest;
import java.util.List;

/**
 * What a build made.
 *
 * @param imageId the config digest
 * @param manifestDigest the manifest digest
 * @param statsJson the statistics object (DESIGN.md shape), canonical JSON
 */
public record BuildResult(
    Digest imageId,
    Digest manifestDigest,
    List<StepStat> steps,
    double hitRate,
    byte[] statsJson) {}
