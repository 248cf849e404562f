package dev.strata.cli;

/** Entry point of {@code bin/strata}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs one command line and returns its exit code (DESIGN.md: 0, 1 user error, 2 usage). */
  public static int run(String... args) {
    try {
      return StrataCommand.commandLine().execute(args);
    } catch (StackOverflowError e) {
      // picocli hands only Exceptions to the error mapper. Inputs have nesting limits (the shell
      // lexer's); this is the net under any recursion that lacks one: a line, not 1,000 frames.
      System.err.println("Error: input nested too deeply to process (stack overflow)");
      return ErrorMapper.USER_ERROR;
    }
  }
}
