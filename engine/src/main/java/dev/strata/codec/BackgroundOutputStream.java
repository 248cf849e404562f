package dev.strata.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Hands what is written to it, in large chunks, to one background thread that writes them to the
 * delegate, so the writer (a tar producer walking a tree and reading files) and the delegate (a
 * digest, then a compressor whose own workers run beside both) use different cores. This is the
 * split {@code tar -c | zstd} gets from a pipe, with chunks of {@code chunkSize} bytes instead of
 * 64 KiB pipe buffers. At most {@code depth} chunks are in flight plus one being filled, so memory
 * is flat in the length of the stream. Bytes reach the delegate in order and unchanged.
 *
 * <p>An error of the delegate is rethrown by the next write, flush or close. {@link #close}
 * delivers what is left, waits for the thread, then closes the delegate (finishing a compressor's
 * frame); {@link #abort} stops the thread without closing the delegate, for a writer that failed.
 * Not thread-safe: one writer thread.
 */
public final class BackgroundOutputStream extends OutputStream {
  private static final byte[] END = new byte[0];
  private static final int READ = 1 << 17;

  private final OutputStream delegate;
  private final BlockingQueue<Chunk> full;
  private final BlockingQueue<byte[]> free;
  private final Thread thread;
  private volatile Throwable failure;
  private byte[] buf;
  private int filled;
  private boolean closed;

  private record Chunk(byte[] data, int length) {}

  /**
   * Starts the background thread. {@code delegate} is written only by it and closed by {@link
   * #close}.
   */
  public BackgroundOutputStream(OutputStream delegate, int chunkSize, int depth, String name) {
    this.delegate = delegate;
    this.full = new ArrayBlockingQueue<>(depth + 1);
    this.free = new ArrayBlockingQueue<>(depth + 1);
    for (int i = 0; i < depth; i++) {
      free.add(new byte[chunkSize]);
    }
    this.buf = new byte[chunkSize];
    this.thread = new Thread(this::drain, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** 4 MiB chunks, 3 in flight: a zstd job's worth of input queued while one is filled. */
  public BackgroundOutputStream(OutputStream delegate, String name) {
    this(delegate, 4 << 20, 3, name);
  }

  private void drain() {
    try {
      while (true) {
        Chunk c = full.take();
        if (c.data() == END) {
          return;
        }
        if (failure == null) {
          delegate.write(c.data(), 0, c.length());
        }
        free.put(c.data());
      }
    } catch (InterruptedException e) {
      // abort(): the writer gave up
    } catch (Throwable t) {
      failure = t;
      free.clear();
      free.offer(new byte[0]); // wakes a writer waiting for a chunk, which then sees the failure
    }
  }

  @Override
  public void write(int b) throws IOException {
    if (filled == buf.length) {
      handOff();
    }
    buf[filled++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      if (filled == buf.length) {
        handOff();
      }
      int n = Math.min(len, buf.length - filled);
      System.arraycopy(b, off, buf, filled, n);
      filled += n;
      off += n;
      len -= n;
    }
  }

  /**
   * Reads up to {@code n} bytes of {@code in} straight into the chunks, with no buffer between (a
   * tar writer copying a file's content saves a copy of every byte). Returns how many bytes were
   * read: fewer than {@code n} only when {@code in} ended first.
   */
  public long writeFrom(InputStream in, long n) throws IOException {
    long done = 0;
    while (done < n) {
      if (filled == buf.length) {
        handOff();
      }
      // At most 128 KiB a read: a file channel reads a heap array through a temporary direct
      // buffer of the read's size, and the copy out of it is cheap only while that stays in cache.
      int r = in.read(buf, filled, (int) Math.min(Math.min(buf.length - filled, n - done), READ));
      if (r < 0) {
        break;
      }
      filled += r;
      done += r;
    }
    return done;
  }

  private void handOff() throws IOException {
    check();
    try {
      full.put(new Chunk(buf, filled));
      buf = free.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while handing off a chunk");
    }
    filled = 0;
    check();
  }

  private void check() throws IOException {
    Throwable t = failure;
    if (t != null) {
      if (t instanceof IOException io) {
        throw new IOException(io.getMessage(), io);
      }
      throw new IOException("background write failed: " + t, t);
    }
  }

  /** Checks for an earlier failure only: chunks are delivered when full or on close. */
  @Override
  public void flush() throws IOException {
    check();
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (filled > 0) {
        handOff();
      }
      full.put(new Chunk(END, 0));
      thread.join();
    } catch (InterruptedException e) {
      thread.interrupt();
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while finishing background writes");
    } catch (IOException e) {
      thread.interrupt();
      throw e;
    }
    check();
    delegate.close();
  }

  /** Stops the thread and drops what was not yet written; the delegate is not closed. */
  public void abort() {
    closed = true;
    thread.interrupt();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
