package dev.strata.transport;

/** An image location cannot be read or written; the message names it. */
public final class TransportException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TransportException(String message) {
    super(message);
  }
}
