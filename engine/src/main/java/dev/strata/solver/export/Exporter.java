package dev.strata.solver.export;

import dev.strata.solver.BuildOutput;
import dev.strata.store.StoredImage;
import java.io.IOException;

/**
 * Writes a built image somewhere besides the store's names, one implementation per {@code --output
 * type=} (BuildKit's exporters: oci, tar, docker, local, image push).
 */
public interface Exporter {
  /** Writes {@code image} where {@code output} says. */
  void export(StoredImage image, BuildOutput output) throws IOException;
}
