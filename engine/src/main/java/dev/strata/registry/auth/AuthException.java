package dev.strata.registry.auth;

/** Credentials cannot be read, stored or used; the message never holds a secret. */
public final class AuthException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AuthException(String message) {
    super(message);
  }
}
