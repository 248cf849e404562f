package dev.strata.frontend.plan;

import dev.strata.frontend.instructions.Location;

/**
 * The Dockerfile parses but cannot be planned: a circular stage dependency, an unknown target or
 * stage index, {@code ${X:?message}} with X unset. Plain message; the facade adds the position.
 */
public final class PlanException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient Location location;
  private final String token;

  public PlanException(String message, Location location, String token) {
    super(message);
    this.location = location;
    this.token = token;
  }

  /** Where, or null when the fault has no place in the file (an unknown --target). */
  public Location location() {
    return location;
  }

  public int column() {
    return location == null ? 0 : location.columnOf(token);
  }
}
