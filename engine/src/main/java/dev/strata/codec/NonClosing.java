package dev.strata.codec;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Views of a stream that a wrapping codec stream may close without closing the stream itself: the
 * blob writer must stay open to be committed, and a raw input must be read to its end to be
 * verified, after the codec is done. Writes go straight through (FilterOutputStream would write
 * byte by byte).
 */
public final class NonClosing {
  private NonClosing() {}

  /** Closing does nothing. */
  public static InputStream of(InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public void close() {}
    };
  }

  /** Closing flushes only. */
  public static OutputStream of(OutputStream out) {
    return new FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        flush();
      }
    };
  }
}
