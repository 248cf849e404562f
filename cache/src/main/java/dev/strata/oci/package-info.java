/**
 * The OCI image model: values only, no I/O (Digest, Descriptor, MediaType, Manifest, ImageIndex,
 * ImageConfig).
 */
package dev.strata.oci;
