package dev.strata.store;

import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.ImageConfig;
import dev.strata.oci.Manifest;

/**
 * An image in the store: the index.json entry that names it, its manifest and config.
 *
 * @param name the name as stored ({@code busybox:latest}), or null for an unnamed image
 * @param descriptor the manifest's descriptor
 */
public record StoredImage(
    String name, Descriptor descriptor, Manifest manifest, ImageConfig config) {
  /** The image id, as docker and podman show it: the config digest. */
  public Digest id() {
    return manifest.config().digest();
  }

  /** The image digest: the manifest digest. */
  public Digest digest() {
    return descriptor.digest();
  }
}
