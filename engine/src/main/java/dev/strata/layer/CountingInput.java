package dev.strata.layer;

import dev.strata.layer.tar.TarEntry;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Counts bytes and refuses more than {@code limit}, naming the entry being read. */
final class CountingInput extends FilterInputStream {
  private final long limit;
  private final UnpackRun run;
  long count;

  CountingInput(InputStream in, long limit, UnpackRun run) {
    super(in);
    this.limit = limit;
    this.run = run;
  }

  /** Refuses at once an entry whose declared size alone breaks the limit. */
  void limitFor(TarEntry e) throws LayerException {
    if (e.isRegularFile() && e.size() > limit - count) {
      throw new LayerException(
          e.name(),
          "declares "
              + e.size()
              + " bytes; the layer may not exceed "
              + limit
              + " bytes uncompressed");
    }
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      add(1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) {
      add(n);
    }
    return n;
  }

  private void add(long n) throws LayerException {
    count += n;
    if (count > limit) {
      throw new LayerException(
          run == null ? null : run.current,
          "the layer exceeds " + limit + " bytes uncompressed (a decompression bomb?)");
    }
  }
}
