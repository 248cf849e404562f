package dev.strata.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * gzip in parallel blocks, as pigz does: the input is cut into 128 KiB blocks, each deflated on its
 * own thread with the previous 32 KiB as preset dictionary and ended by a sync flush, and the
 * pieces are written in order as one deflate stream with one gzip header and trailer. Any gzip
 * reader reads the result; the bytes depend only on the input and the level, not on the number of
 * threads. At most {@code 2 * threads} blocks are in flight, so memory is flat in the input size.
 * The header has no name and mtime 0 (reproducible). Closing finishes the stream and closes the
 * underlying one.
 */
public final class ParallelGzipOutputStream extends OutputStream {
  static final int BLOCK = 128 * 1024;
  private static final int DICT = 32 * 1024;
  // RFC 1952: magic, CM=deflate, FLG=0, MTIME=0, XFL=0, OS=3 (Unix) as pigz writes.
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};

  private final OutputStream out;
  private final int level;
  private final ExecutorService pool;
  private final int maxInFlight;
  private final Deque<Future<byte[]>> inFlight = new ArrayDeque<>();
  private final CRC32 crc = new CRC32();
  private byte[] block = new byte[BLOCK];
  private int filled;
  private byte[] dictionary; // last 32 KiB of the previous block
  private long total;
  private boolean closed;

  public ParallelGzipOutputStream(OutputStream out, int level, int threads) throws IOException {
    this.out = out;
    this.level = level;
    int n = Math.max(1, threads);
    this.maxInFlight = 2 * n;
    this.pool =
        Executors.newFixedThreadPool(
            n,
            r -> {
              Thread t = new Thread(r, "strata-gzip");
              t.setDaemon(true);
              return t;
            });
    out.write(HEADER);
  }

  /** Level 6 (gzip's default) on all cores. */
  public ParallelGzipOutputStream(OutputStream out) throws IOException {
    this(out, 6, Runtime.getRuntime().availableProcessors());
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    crc.update(b, off, len);
    total += len;
    while (len > 0) {
      int n = Math.min(len, BLOCK - filled);
      System.arraycopy(b, off, block, filled, n);
      filled += n;
      off += n;
      len -= n;
      if (filled == BLOCK) {
        submit(false);
      }
    }
  }

  private void submit(boolean last) throws IOException {
    byte[] data = block;
    int length = filled;
    byte[] dict = dictionary;
    if (length >= DICT) {
      dictionary = Arrays.copyOfRange(data, length - DICT, length);
    } else if (length > 0) {
      byte[] prev = dict == null ? new byte[0] : dict;
      byte[] joined = new byte[Math.min(DICT, prev.length + length)];
      int fromPrev = joined.length - length;
      System.arraycopy(prev, prev.length - fromPrev, joined, 0, fromPrev);
      System.arraycopy(data, 0, joined, fromPrev, length);
      dictionary = joined;
    }
    inFlight.add(pool.submit(() -> deflate(data, length, dict, last)));
    block = new byte[BLOCK];
    filled = 0;
    while (inFlight.size() >= maxInFlight) {
      drainOne();
    }
  }

  private byte[] deflate(byte[] data, int length, byte[] dict, boolean last) {
    Deflater d = new Deflater(level, true);
    try {
      if (dict != null) {
        d.setDictionary(dict);
      }
      d.setInput(data, 0, length);
      if (last) {
        d.finish();
      }
      ByteArrayOutputStream o = new ByteArrayOutputStream(length / 2 + 64);
      byte[] buf = new byte[64 * 1024];
      while (true) {
        int n = last ? d.deflate(buf) : d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
        o.write(buf, 0, n);
        if (last ? d.finished() : (n < buf.length && d.needsInput())) {
          break;
        }
      }
      return o.toByteArray();
    } finally {
      d.end();
    }
  }

  private void drainOne() throws IOException {
    Future<byte[]> f = inFlight.poll();
    try {
      out.write(f.get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while compressing");
    } catch (ExecutionException e) {
      throw new IOException("gzip block failed", e.getCause());
    }
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      submit(true);
      while (!inFlight.isEmpty()) {
        drainOne();
      }
      long c = crc.getValue();
      byte[] trailer = new byte[8];
      for (int i = 0; i < 4; i++) {
        trailer[i] = (byte) (c >>> (8 * i));
        trailer[4 + i] = (byte) (total >>> (8 * i));
      }
      out.write(trailer);
    } finally {
      pool.shutdownNow();
      out.close();
    }
  }
}
