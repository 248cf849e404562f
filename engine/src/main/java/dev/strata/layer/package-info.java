/**
 * Layers as bytes on disk: safe unpacking into a rootfs, scoped reading of trees the build does not
 * own, deterministic layer writing, changes between trees.
 */
package dev.strata.layer;
