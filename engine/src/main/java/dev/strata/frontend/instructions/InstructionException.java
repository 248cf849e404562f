package dev.strata.frontend.instructions;

/**
 * An instruction is not valid: unknown keyword or flag, wrong number of arguments. The message is
 * plain; the frontend facade prefixes the file, line and column (STYLE.md: the position is attached
 * in one place).
 */
public final class InstructionException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient Location location;
  private final String token;

  public InstructionException(String message, Location location, String token) {
    super(message);
    this.location = location;
    this.token = token;
  }

  public Location location() {
    return location;
  }

  /** The column of the offending token, or of the keyword. */
  public int column() {
    return location == null ? 1 : location.columnOf(token);
  }
}
