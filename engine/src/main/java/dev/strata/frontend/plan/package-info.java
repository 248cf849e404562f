/**
 * The build plan (BuildKit's {@code dockerfile2llb} without LLB): stages as a DAG with expanded,
 * typed steps, pruned to the target, with the waves in which stages may run in parallel. Built by
 * small converters: {@link dev.strata.frontend.plan.BuildPlanner} drives them.
 */
package dev.strata.frontend.plan;
