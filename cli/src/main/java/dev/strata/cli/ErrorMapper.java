package dev.strata.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The one place that turns exceptions into exit codes and one-line messages (STYLE.md: "one
 * mapper turns them into exit codes; the CLI prints one line, --log-level debug adds the stack").
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
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      m = e.getClass().getSimpleName();
    }
    // Strip the type prefix that some wrappers add; the message alone is for users.
    return m.replace('\n', ' ');
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
