package dev.strata.frontend.instructions;

import java.util.List;

/**
 * A command of RUN, CMD, ENTRYPOINT or HEALTHCHECK: exec form (a JSON array, run without a shell)
 * or shell form (one string, run by the stage's SHELL).
 */
public record Command(List<String> args, boolean exec) {
  public Command {
    args = List.copyOf(args);
  }

  public static Command shell(String line) {
    return new Command(List.of(line), false);
  }

  /** The shell form's command string. */
  public String shellLine() {
    return exec || args.isEmpty() ? String.join(" ", args) : args.get(0);
  }
}
