/**
 * A bench run: the states to build (commits of a git range, or scripted edits), each built by every
 * builder in turn, with a progress line per build.
 */
package dev.strata.bench.run;
