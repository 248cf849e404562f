/**
 * The solver behind {@code strata build}: runs a BuildPlan's stages in dependency order, each
 * step's operation keyed and looked up in the layer cache before it runs, then assembles the image.
 */
package dev.strata.solver;
