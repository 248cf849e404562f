/**
 * {@code .dockerignore} as Docker applies it (moby/patternmatcher): Go filepath.Match patterns,
 * {@code **}, {@code !} exceptions, and a test for skipping whole directories.
 */
package dev.strata.frontend.ignore;
