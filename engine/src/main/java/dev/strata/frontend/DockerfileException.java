package dev.strata.frontend;

/**
 * A Dockerfile cannot be built as written. The message is the one line a user sees: {@code
 * Dockerfile:7:5: unknown instruction "RUNN" (did you mean RUN?)}, with the file name as given, the
 * 1-based line and column, or only the file name when the fault has no position.
 */
public final class DockerfileException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String file;
  private final int line;
  private final int column;
  private final String reason;

  public DockerfileException(String file, int line, int column, String reason, Throwable cause) {
    super(
        line > 0
            ? file + ":" + line + ":" + Math.max(column, 1) + ": " + reason
            : file + ": " + reason,
        cause);
    this.file = file;
    this.line = line;
    this.column = column;
    this.reason = reason;
  }

  public String file() {
    return file;
  }

  /** 1-based line, or 0 when the fault has no position. */
  public int line() {
    return line;
  }

  public int column() {
    return column;
  }

  /** The message without the position. */
  public String reason() {
    return reason;
  }
}
