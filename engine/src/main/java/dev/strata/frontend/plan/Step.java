package dev.strata.frontend.plan;

import dev.strata.frontend.instructions.Instruction;
import java.util.List;

/**
 * One instruction of a stage, expanded, with the variables in scope before it and its checked
 * options: for RUN its parsed mounts and {@link RunOptions}, for COPY and ADD its {@link
 * CopyOptions} (null for the other instructions). The engine's cache key for the step hashes {@code
 * instruction.keyword()}, {@code args()}, {@code flags()}, {@code heredocs()} and, for RUN, {@code
 * env.runEnv()}.
 */
public record Step(
    Instruction instruction,
    Environment env,
    List<Mount> mounts,
    RunOptions run,
    CopyOptions copy) {
  public Step {
    mounts = List.copyOf(mounts);
  }
}
