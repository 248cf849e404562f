package dev.strata.registry;

/** A network access was needed while Strata runs offline; the message names what was needed. */
public final class OfflineException extends RegistryException {
  private static final long serialVersionUID = 1L;

  public OfflineException(String message) {
    super(message);
  }
}
