/**
 * The builders a bench run compares, behind one small interface: each runs as a child process on
 * its own store, measured by GNU time.
 */
package dev.strata.bench.builder;
