/**
 * Snapshotters: writable stage rootfs over unpacked layers and the diff a RUN leaves (overlay,
 * copy).
 */
package dev.strata.layer.snapshot;
