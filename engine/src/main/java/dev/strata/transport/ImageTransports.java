package dev.strata.transport;

import dev.strata.archive.ArchiveFormat;
import dev.strata.archive.ArchiveLoader;
import dev.strata.archive.ArchiveSaver;
import dev.strata.codec.Compression;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Platform;
import dev.strata.registry.ImagePuller;
import dev.strata.registry.ImagePusher;
import dev.strata.registry.RegistryOptions;
import dev.strata.store.Store;
import dev.strata.store.StoredImage;
import java.io.IOException;
import java.util.List;

/**
 * {@code strata pull} and {@code strata push}: moves an image between the store and any {@link
 * ImageLocation}. Archives reuse the {@code load}/{@code save} code ({@link ArchiveLoader}, {@link
 * ArchiveSaver}).
 */
public final class ImageTransports {
  private final Store store;
  private final RegistryOptions opts;

  public ImageTransports(Store store, RegistryOptions opts) {
    this.store = store;
    this.opts = opts;
  }

  public static ImageLocation parse(String location) {
    return ImageLocation.parse(location);
  }

  /** Brings the image at {@code from} into the store, named {@code name} (null: its own name). */
  public StoredImage pull(ImageLocation from, String name, Platform platform) throws IOException {
    if (from instanceof ImageLocation.Registry r) {
      return new ImagePuller(store, opts).pull(r.image(), platform, name);
    }
    if (from instanceof ImageLocation.OciLayout l) {
      return new OciLayoutDir(store).read(l, platform, name);
    }
    if (from instanceof ImageLocation.OciArchive a) {
      return loaded(new ArchiveLoader(store).load(a.file()), name, from);
    }
    ImageLocation.DockerArchive a = (ImageLocation.DockerArchive) from;
    return loaded(new ArchiveLoader(store).load(a.file()), name, from);
  }

  private StoredImage loaded(List<String> names, String name, ImageLocation from) {
    if (names.isEmpty()) {
      throw new TransportException(from + " holds no image");
    }
    StoredImage img = store.image(names.get(0));
    if (name != null) {
      store.tag(img.descriptor(), name);
      return store.image(name);
    }
    return img;
  }

  /**
   * Sends {@code image} to {@code to}. Registry pushes use {@code compression} for layers; layouts
   * and archives keep the stored blobs (a docker-archive holds plain tars).
   */
  public Descriptor push(StoredImage image, ImageLocation to, Compression compression)
      throws IOException {
    if (to instanceof ImageLocation.Registry r) {
      return new ImagePusher(store, opts).push(image, r.image(), compression);
    }
    if (to instanceof ImageLocation.OciLayout l) {
      return new OciLayoutDir(store).write(image, l);
    }
    if (to instanceof ImageLocation.OciArchive a) {
      new ArchiveSaver(store).save(image, a.file(), ArchiveFormat.OCI);
    } else {
      new ArchiveSaver(store)
          .save(image, ((ImageLocation.DockerArchive) to).file(), ArchiveFormat.DOCKER);
    }
    return image.descriptor();
  }
}
