package dev.strata.frontend.shell;

/** A word could not be expanded: bad substitution, unterminated quote, or {@code ${X:?msg}}. */
public final class ExpansionException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String source;

  public ExpansionException(String message) {
    this(message, null);
  }

  public ExpansionException(String message, String source) {
    super(message);
    this.source = source;
  }

  /** The word that failed, as written, when known (to point at it). */
  public String source() {
    return source;
  }
}
