/**
 * The metadata-only instructions (ENV, WORKDIR, USER, CMD, LABEL, ...): changes to the image
 * config, no layer.
 */
package dev.strata.solver.config;
