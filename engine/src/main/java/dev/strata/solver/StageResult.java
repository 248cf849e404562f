package dev.strata.solver;

import dev.strata.buildcache.CacheKey;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.ImageConfig;
import dev.strata.store.StoredImage;
import java.util.ArrayList;
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

  /** A stored image's layers, diffID beside blob. */
  public static List<Layer> layersOf(StoredImage img) {
    List<Digest> diffIds = img.config().diffIds();
    List<Descriptor> blobs = img.manifest().layers();
    if (diffIds.size() != blobs.size()) {
      throw new BuildException(
          "image "
              + img.name()
              + ": "
              + diffIds.size()
              + " diff_ids for "
              + blobs.size()
              + " layers");
    }
    List<Layer> layers = new ArrayList<>();
    for (int i = 0; i < blobs.size(); i++) {
      layers.add(new Layer(diffIds.get(i), blobs.get(i)));
    }
    return layers;
  }
}
