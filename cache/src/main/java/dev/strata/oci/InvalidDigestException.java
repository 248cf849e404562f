package dev.strata.oci;

/** A string that is not a valid OCI digest ({@code algorithm:hex}). */
public final class InvalidDigestException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidDigestException(String message) {
    super(message);
  }
}
