package dev.strata.registry;

import dev.strata.oci.Platform;
import dev.strata.oci.Reference;
import dev.strata.store.Store;
import dev.strata.store.StoredImage;
import java.util.Optional;

/**
 * What the builder calls for {@code FROM}: the local store first, then mirrors, then the registry,
 * as {@link PullPolicy} says. Offline by default in spirit: {@link PullPolicy#NEVER} (or offline
 * options) never opens a connection, and a missing image is an error that names it.
 */
public final class ImageResolver {
  private final Store store;
  private final RegistryOptions opts;
  private final Platform platform;

  public ImageResolver(Store store, RegistryOptions opts, Platform platform) {
    this.store = store;
    this.opts = opts;
    this.platform = platform;
  }

  public ImageResolver(Store store, RegistryOptions opts) {
    this(store, opts, Platform.host());
  }

  /**
   * The image for {@code reference} ({@code golang:1.22}, {@code 127.0.0.1:5000/app@sha256:...}).
   */
  public StoredImage resolve(String reference, PullPolicy policy) {
    Reference ref = Reference.parse(reference);
    RemoteImage remote = RemoteImage.of(ref);
    String name = remote.familiar();
    Optional<StoredImage> local = store.find(name);
    if (local.isPresent() && policy != PullPolicy.ALWAYS) {
      return local.get();
    }
    if (policy == PullPolicy.NEVER || opts.offline()) {
      throw new OfflineException(
          "image "
              + name
              + " is not in the store and pulling is off (--pull=never or --offline); "
              + "pull it first: strata pull "
              + remote);
    }
    return new ImagePuller(store, opts).pull(remote, platform, name);
  }
}
