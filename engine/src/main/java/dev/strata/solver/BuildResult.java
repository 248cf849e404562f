package dev.strata.solver;

import dev.strata.oci.Digest;
import java.util.List;
import java.util.Optional;

/**
 * What a build made.
 *
 * @param imageId the config digest
 * @param manifestDigest the manifest digest
 * @param statsJson the statistics object (DESIGN.md shape), canonical JSON
 * @param pushedDigest the manifest digest as pushed to a registry (compressed layers), or null
 */
public record BuildResult(
    Digest imageId,
    Digest manifestDigest,
    List<StepStat> steps,
    double hitRate,
    byte[] statsJson,
    Digest pushedDigest) {
  public BuildResult(
      Digest imageId,
      Digest manifestDigest,
      List<StepStat> steps,
      double hitRate,
      byte[] statsJson) {
    this(imageId, manifestDigest, steps, hitRate, statsJson, null);
  }

  /** This result with the digest a registry output pushed, if any. */
  public BuildResult withPushed(Optional<Digest> pushed) {
    return new BuildResult(
        imageId, manifestDigest, steps, hitRate, statsJson, pushed.orElse(pushedDigest));
  }
}
