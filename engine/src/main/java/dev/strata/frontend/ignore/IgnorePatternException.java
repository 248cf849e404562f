package dev.strata.frontend.ignore;

/** A .dockerignore pattern is malformed (Go's filepath.ErrBadPattern, or a lone {@code !}). */
public final class IgnorePatternException extends Exception {
  private static final long serialVersionUID = 1L;

  public IgnorePatternException(String message) {
    super(message);
  }
}
