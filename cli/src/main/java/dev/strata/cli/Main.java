package dev.strata.cli;

import picocli.CommandLine;

/** Entry point of {@code bin/strata}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs one command line and returns its exit code (DESIGN.md: 0, 1 user error, 2 usage). */
  public static int run(String... args) {
    return StrataCommand.commandLine().execute(args);
  }
}
