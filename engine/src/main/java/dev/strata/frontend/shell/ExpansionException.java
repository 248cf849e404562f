package dev.strata.frontend.shell;

/** A word could not be expanded: bad substitution, unterminated quote, or {@code ${X:?msg}}. */
public final class ExpansionException extends Exception {
  private static final long serialVersionUID = 1L;

  public ExpansionException(String message) {
    super(message);
  }
}
