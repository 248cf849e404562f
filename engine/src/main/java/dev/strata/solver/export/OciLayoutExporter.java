package dev.strata.solver.export;

import dev.strata.solver.BuildOutput;
import dev.strata.store.Store;
import dev.strata.store.StoredImage;
import dev.strata.transport.ImageLocation;
import dev.strata.transport.OciLayoutDir;
import java.io.IOException;

/** {@code --output type=oci,dest=DIR}: an OCI image layout directory. */
final class OciLayoutExporter implements Exporter {
  private final Store store;

  OciLayoutExporter(Store store) {
    this.store = store;
  }

  @Override
  public void export(StoredImage image, BuildOutput output) throws IOException {
    new OciLayoutDir(store).write(image, new ImageLocation.OciLayout(output.dest(), image.name()));
  }
}
