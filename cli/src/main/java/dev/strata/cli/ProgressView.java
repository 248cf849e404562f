package dev.strata.cli;

import dev.strata.solver.BuildProgress;

/**
 * A renderer of build events that owns its output until {@link #close}: closing shows the final
 * state (partial lines, the failed steps' output, the cursor left below) and stops any timer.
 * Closing a view that received no event prints nothing, so the first JVM of a build that
 * re-executes itself leaves no trace.
 */
interface ProgressView extends BuildProgress, AutoCloseable {
  @Override
  void close();
}
