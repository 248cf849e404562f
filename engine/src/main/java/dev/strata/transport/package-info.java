/**
 * Where {@code strata pull} and {@code strata push} move images: {@code docker://} registries,
 * {@code oci:DIR[:TAG]} layouts, {@code oci-archive:} and {@code docker-archive:} files.
 */
package dev.strata.transport;
