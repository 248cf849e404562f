/** Layers as bytes on disk: safe unpacking into a rootfs, deterministic layer writing, changes between trees. */
package dev.strata.layer;
