/**
 * Moves images between the store and files: rootfs import, docker-archive and oci-archive load and
 * save.
 */
package dev.strata.archive;
