package dev.strata.solver;

import dev.strata.buildcache.CacheKey;
import dev.strata.buildcache.KeyInputs;
import dev.strata.frontend.plan.Step;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A step that makes a layer (RUN, COPY, ADD), as the step loop sees it (BuildKit's solver Op): it
 * names its inputs, the loop keys and looks them up, and only on a miss asks it to run into a
 * rootfs, whose diff becomes the layer. One serves every stage of a build, on their threads.
 */
public interface Operation {
  /**
   * The step's inputs besides its text. In the cache-only attempt, {@link
   * StepInputs#needsNamespace()} where they cannot be known there.
   */
  StepInputs inputs(StepState state) throws IOException, InterruptedException;

  /** The key the step's record is found by: the chained key unless the operation says else. */
  default CacheKey recordKeyOf(Step step, CacheKey chained, String canonical, KeyInputs in) {
    return chained;
  }

  /** Whether the step's layer is made in an empty tree (COPY --link), not over the layers below. */
  default boolean emptyTree(Step step) {
    return false;
  }

  /** Runs the step into {@code rootfs}; a failure is a plain message (the loop locates it). */
  void run(StepState state, BuildProgress.Step progress, Path rootfs, KeyInputs inputs)
      throws IOException, InterruptedException;

  /** Releases what the operation kept for the build; a failure is a warning. */
  default void release() {}
}
