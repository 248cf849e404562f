package dev.strata.index;

/** The RocksDB index could not be read or written; the message names the database. */
public final class IndexException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public IndexException(String message, Throwable cause) {
    super(message, cause);
  }
}
