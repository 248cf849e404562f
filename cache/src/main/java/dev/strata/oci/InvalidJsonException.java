package dev.strata.oci;

/** Bytes that are not the JSON document they should be (a manifest, config or index). */
public final class InvalidJsonException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidJsonException(String message) {
    super(message);
  }
}
