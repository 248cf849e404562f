package dev.strata.registry;

import dev.strata.oci.Digest;

/** What a pull or push reports per blob; called from transfer threads, so keep it thread-safe. */
public interface Progress {
  /** A blob transfer began; {@code size} may be -1 when not known. */
  default void started(String action, Digest blob, long size) {}

  /** A blob is done; {@code skipped} when the other side already had it. */
  default void finished(String action, Digest blob, long size, boolean skipped) {}

  /** A free-form line ("Trying mirror 127.0.0.1:5001"). */
  default void note(String line) {}

  static Progress none() {
    return new Progress() {};
  }
}
