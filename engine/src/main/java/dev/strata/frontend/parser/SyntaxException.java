package dev.strata.frontend.parser;

/** The text is not a Dockerfile: a bad directive, JSON, or an unterminated heredoc. */
public final class SyntaxException extends Exception {
  private static final long serialVersionUID = 1L;
  private final int line;
  private final int column;

  public SyntaxException(String message, int line, int column) {
    super(message);
    this.line = line;
    this.column = column;
  }

  /** 1-based line of the fault. */
  public int line() {
    return line;
  }

  /** 1-based column, or 1 when only the line is known. */
  public int column() {
    return column;
  }
}
