package dev.strata.solver;

/** A build that cannot go on; the message names the Dockerfile line where there is one. */
public final class BuildException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int exitCode;

  public BuildException(String message) {
    this(message, 1, null);
  }

  public BuildException(String message, Throwable cause) {
    this(message, 1, cause);
  }

  public BuildException(String message, int exitCode, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** 1 for build and user errors (DESIGN.md exit codes). */
  public int exitCode() {
    return exitCode;
  }
}
