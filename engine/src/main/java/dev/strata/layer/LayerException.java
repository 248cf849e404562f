package dev.strata.layer;

import dev.strata.posix.FileNames;
import java.io.IOException;

/**
 * A layer refused or failed: the message names the entry (or the digest) at fault. After it the
 * target directory holds a partial result and must be discarded.
 */
public class LayerException extends IOException {
  private final String entry;

  public LayerException(String entry, String message) {
    super(entry == null ? message : "layer entry \"" + FileNames.display(entry) + "\": " + message);
    this.entry = entry;
  }

  public LayerException(String entry, String message, Throwable cause) {
    this(entry, message);
    initCause(cause);
  }

  /** The archive name of the entry at fault, or null when the whole layer is (a digest). */
  public String entry() {
    return entry;
  }
}
