/** The store's RocksDB index: layer records by diffID, and the tables the build cache fills. */
package dev.strata.index;
