package dev.strata.solver;

import dev.strata.buildcache.CacheKey;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.ImageConfig;
import java.util.List;

/**
 * A built stage: its config, its layers bottom first, and the cache key of its last step (what a
 * stage built FROM it starts from).
 */
public record StageResult(
    int index, String name, ImageConfig config, List<Layer> layers, CacheKey key) {
  /** A layer of the stage: its diffID and the stored blob. */
  public record Layer(Digest diffId, Descriptor blob) {}

  public StageResult {
    layers = List.copyOf(layers);
  }
}
