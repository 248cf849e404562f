package dev.strata.archive;

/** The archive formats of {@code strata save} and {@code strata load}. */
public enum ArchiveFormat {
  /** {@code docker save}'s format: manifest.json, config, uncompressed layer.tar files. */
  DOCKER,
  /** A tar of an OCI image layout (oci-layout, index.json, blobs/). */
  OCI;

  public static ArchiveFormat parse(String s) {
    return switch (s.toLowerCase()) {
      case "docker", "docker-archive" -> DOCKER;
      case "oci", "oci-archive" -> OCI;
      default -> throw new ArchiveException("unknown archive format \"" + s + "\" (docker or oci)");
    };
  }
}
