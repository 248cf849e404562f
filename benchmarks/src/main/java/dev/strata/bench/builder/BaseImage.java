package dev.strata.bench.builder;

import java.nio.file.Path;

/**
 * A base image every builder gets from the same bytes: an oci-archive made once per run from a
 * rootfs tarball (see {@link BaseArchives}), pulled or loaded by each builder into its own store.
 *
 * @param name the name the Dockerfiles use (FROM busybox)
 * @param ociArchive the oci-archive holding it
 */
public record BaseImage(String name, Path ociArchive) {}
