package dev.strata.store;

import dev.strata.oci.Digest;

/** Bytes that do not hash to the digest they are stored or announced under. */
public final class CorruptBlobException extends StoreException {
  private static final long serialVersionUID = 1L;

  public CorruptBlobException(String message) {
    super(message);
  }

  static CorruptBlobException stored(Digest want, Digest got, java.nio.file.Path file) {
    return new CorruptBlobException(
        "blob "
            + want
            + " is corrupt: its bytes hash to "
            + got
            + "; delete "
            + file
            + " and load or pull the image again");
  }
}
