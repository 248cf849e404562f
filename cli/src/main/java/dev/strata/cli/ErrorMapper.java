package dev.strata.cli;

import dev.strata.solver.IoErrorText;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The one place that turns exceptions into exit codes and one-line messages (STYLE.md: "one mapper
 * turns them into exit codes; the CLI prints one line, --log-level debug adds the stack").
 */
final class ErrorMapper implements IExecutionExceptionHandler {
  static final int USER_ERROR = 1;
  static final int USAGE_ERROR = 2;

  private final StrataCommand top;

  ErrorMapper(StrataCommand top) {
    this.top = top;
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine cl, ParseResult parsed) {
    PrintWriter err = cl.getErr();
    err.println("Error: " + message(e));
    if (top.debug()) {
      e.printStackTrace(err);
    }
    err.flush();
    return USER_ERROR;
  }

  static String message(Throwable e) {
    // A file exception's message is often the path alone ("Error: /tmp/x"): say what happened.
    String m = e instanceof IOException io ? IoErrorText.describe(io) : e.getMessage();
    if (m == null || m.isBlank()) {
      m = e.getClass().getSimpleName();
    }
    return m.replace('\n', ' ');
  }

  /**
   * A global option's value names nothing it knows ({@code --log-level}, {@code --progress}): one
   * line and the usage exit code. The synopsis the other usage errors print would not say which
   * values there are; the message does.
   */
  static int badValue(CommandLine cl, String message) {
    PrintWriter err = cl.getErr();
    err.println("Error: " + message);
    err.flush();
    return USAGE_ERROR;
  }

  static int usageError(ParameterException e, String[] args) {
    CommandLine cl = e.getCommandLine();
    PrintWriter err = cl.getErr();
    err.println("Error: " + e.getMessage());
    cl.usage(err, CommandLine.Help.Ansi.OFF);
    String path = cl.getCommandSpec().qualifiedName();
    err.println("Run '" + path + " --help' for more information.");
    err.flush();
    return USAGE_ERROR;
  }
}
