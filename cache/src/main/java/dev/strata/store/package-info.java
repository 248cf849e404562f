/**
 * The store: an OCI image layout on disk (blobs, index.json names), its locks and atomic writes.
 */
package dev.strata.store;
