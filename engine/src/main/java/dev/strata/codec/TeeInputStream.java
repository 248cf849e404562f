package dev.strata.codec;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Copies every byte read from a stream, skipped ones included, to another: a blob is kept as it
 * comes while a decompressor reads it for the diffID, in one pass. No mark/reset (a reset would
 * copy bytes twice). Closing closes the stream read, not the copy.
 */
public final class TeeInputStream extends FilterInputStream {
  private final OutputStream copy;

  public TeeInputStream(InputStream in, OutputStream copy) {
    super(in);
    this.copy = copy;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      copy.write(b);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) {
      copy.write(b, off, n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] buf = new byte[(int) Math.max(0, Math.min(n, 8192))]; // skipped bytes are copied too
    return Math.max(0, read(buf, 0, buf.length));
  }

  @Override
  public boolean markSupported() {
    return false;
  }
}
