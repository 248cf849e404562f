package dev.strata.layer.tar;

import java.io.IOException;

/** A tar stream that is not valid: bad checksum, bad number, truncated, unsupported type. */
public class TarFormatException extends IOException {
  public TarFormatException(String message) {
    super(message);
  }
}
