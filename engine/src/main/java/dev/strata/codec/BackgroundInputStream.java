package dev.strata.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads its delegate ahead on one background thread, in large chunks, so the delegate's work (a
 * blob read, its digest, a decompressor) and the reader's (a tar unpacker creating files, mostly
 * kernel time) use different cores, as {@code zstd -dc | tar -x} does through a pipe; the
 * input-side twin of {@link BackgroundOutputStream}. At most {@code depth} chunks are read ahead,
 * so memory is flat in the stream's length. Bytes arrive in order and unchanged; the delegate's end
 * and its errors reach the reader where they fall. {@link #close} stops the thread and closes the
 * delegate. Not thread-safe: one reader thread. Whatever the delegate computes as it is read (a
 * digest) is complete once this stream has returned end of stream.
 */
public final class BackgroundInputStream extends InputStream {
  private static final byte[] END = new byte[0];

  private final InputStream delegate;
  private final BlockingQueue<Chunk> full;
  private final BlockingQueue<byte[]> free;
  private final Thread thread;
  private Chunk current;
  private int pos;
  private boolean ended;
  private boolean closed;

  /** A chunk read, the end ({@code data == END}), or the delegate's failure. */
  private record Chunk(byte[] data, int length, Throwable failure) {}

  public BackgroundInputStream(InputStream delegate, int chunkSize, int depth, String name) {
    this.delegate = delegate;
    this.full = new ArrayBlockingQueue<>(depth + 1);
    this.free = new ArrayBlockingQueue<>(depth + 1);
    for (int i = 0; i < depth; i++) {
      free.add(new byte[chunkSize]);
    }
    this.thread = new Thread(this::fill, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** 1 MiB chunks, 4 read ahead. */
  public BackgroundInputStream(InputStream delegate, String name) {
    this(delegate, 1 << 20, 4, name);
  }

  private void fill() {
    try {
      while (true) {
        byte[] b = free.take();
        int n = 0;
        Throwable failure = null;
        try {
          while (n < b.length) {
            int r = delegate.read(b, n, b.length - n);
            if (r < 0) {
              break;
            }
            n += r;
          }
        } catch (Throwable t) {
          failure = t;
        }
        // the bytes read before a failure first: the reader meets the failure where it fell
        // (an unpacker names the entry it was in)
        if (n > 0) {
          full.put(new Chunk(b, n, null));
        }
        if (failure != null) {
          full.put(new Chunk(END, 0, failure));
          return;
        }
        if (n < b.length) {
          full.put(new Chunk(END, 0, null));
          return;
        }
      }
    } catch (InterruptedException e) {
      // close(): the reader gave up
    }
  }

  /** The chunk to read from, or null at the end; throws the delegate's failure. */
  private Chunk chunk() throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
    while (!ended && (current == null || pos == current.length())) {
      if (current != null) {
        free.offer(current.data());
        current = null;
      }
      Chunk c;
      try {
        c = full.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while reading ahead");
      }
      if (c.failure() != null) {
        ended = true;
        if (c.failure() instanceof IOException io) {
          throw io;
        }
        if (c.failure() instanceof RuntimeException r) {
          throw r;
        }
        if (c.failure() instanceof Error err) {
          throw err;
        }
        throw new IOException(c.failure());
      }
      if (c.data() == END) {
        ended = true;
      } else {
        current = c;
        pos = 0;
      }
    }
    return ended && (current == null || pos == current.length()) ? null : current;
  }

  @Override
  public int read() throws IOException {
    Chunk c = chunk();
    return c == null ? -1 : c.data()[pos++] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    Chunk c = chunk();
    if (c == null) {
      return -1;
    }
    int n = Math.min(len, c.length() - pos);
    System.arraycopy(c.data(), pos, b, off, n);
    pos += n;
    return n;
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    thread.interrupt();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    delegate.close();
  }
}
