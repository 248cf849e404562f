package dev.strata.solver.export;

import dev.strata.codec.Compression;
import dev.strata.oci.Descriptor;
import dev.strata.registry.RegistryOptions;
import dev.strata.solver.BuildOutput;
import dev.strata.solver.BuildProgress;
import dev.strata.store.Store;
import dev.strata.store.StoredImage;
import dev.strata.transport.ImageTransports;
import java.io.IOException;

/**
 * {@code --output type=registry,name=REF}: pushes the image as {@code strata push} does, its layers
 * compressed as {@code --compression} says (gzip unless asked: what every registry client reads).
 */
final class RegistryExporter implements Exporter {
  private final Store store;
  private final RegistryOptions registry;
  private final BuildProgress progress;

  RegistryExporter(Store store, RegistryOptions registry, BuildProgress progress) {
    this.store = store;
    this.registry = registry;
    this.progress = progress;
  }

  @Override
  public void export(StoredImage image, BuildOutput output) throws IOException {
    push(image, output);
  }

  /** Pushes {@code image}; the manifest as pushed (its layers compressed: another digest). */
  public Descriptor push(StoredImage image, BuildOutput output) throws IOException {
    Descriptor d =
        new ImageTransports(store, registry)
            .push(
                store.image(image.digest().toString()),
                ImageTransports.parse("docker://" + output.name()),
                output.compression() != null ? output.compression() : Compression.GZIP);
    progress.info("pushed " + output.name() + "@" + d.digest());
    return d;
  }
}
