package dev.strata.registry;

/**
 * A registry operation failed. The message names the action and the reference or digest at fault
 * ("fetch blob docker.io/library/busybox@sha256:..."), never a credential or token.
 */
public class RegistryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean unreachable;

  public RegistryException(String message) {
    this(message, false, null);
  }

  public RegistryException(String message, Throwable cause) {
    this(message, false, cause);
  }

  RegistryException(String message, boolean unreachable, Throwable cause) {
    super(message, cause);
    this.unreachable = unreachable;
  }

  /** True when the registry could not be reached at all (a mirror that is down). */
  public boolean unreachable() {
    return unreachable;
  }
}
