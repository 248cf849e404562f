package dev.strata.solver.export;

import dev.strata.archive.ArchiveFormat;
import dev.strata.archive.ArchiveSaver;
import dev.strata.solver.BuildOutput;
import dev.strata.store.Store;
import dev.strata.store.StoredImage;
import java.io.IOException;

/**
 * {@code --output type=oci-archive} and {@code type=docker-archive}: the image as one tar, as
 * {@code strata save} writes it in that format.
 */
final class ArchiveExporter implements Exporter {
  private final Store store;
  private final ArchiveFormat format;

  ArchiveExporter(Store store, ArchiveFormat format) {
    this.store = store;
    this.format = format;
  }

  @Override
  public void export(StoredImage image, BuildOutput output) throws IOException {
    new ArchiveSaver(store).save(image, output.dest(), format);
  }
}
