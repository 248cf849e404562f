/**
 * {@code strata build}: runs a BuildPlan stage by stage over the layer cache, then assembles the
 * image.
 */
package dev.strata.build;
