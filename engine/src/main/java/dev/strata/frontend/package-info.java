/**
 * The Dockerfile frontend: {@link dev.strata.frontend.DockerfileFrontend} turns a Dockerfile into a
 * {@link dev.strata.frontend.plan.BuildPlan}, through the untyped tree ({@code parser}), typed
 * instructions ({@code instructions}) and the plan ({@code plan}); {@code shell} expands words and
 * {@code ignore} reads .dockerignore.
 */
package dev.strata.frontend;
