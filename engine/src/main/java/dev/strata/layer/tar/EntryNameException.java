package dev.strata.layer.tar;

/** An entry whose name or link target is not UTF-8; the message names the entry, bytes escaped. */
public final class EntryNameException extends TarFormatException {
  public EntryNameException(String message) {
    super(message);
  }
}
