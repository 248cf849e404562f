package dev.strata.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BackgroundOutputStreamTest {
  /**
   * Mixed write sizes across chunk borders arrive in order, unchanged, then the delegate closes.
   */
  @Test
  void deliversEveryByteInOrder_thenClosesDelegate() throws Exception {
    byte[] data = new byte[1_000_003];
    new Random(7).nextBytes(data);
    AtomicBoolean closed = new AtomicBoolean();
    ByteArrayOutputStream sink =
        new ByteArrayOutputStream() {
          @Override
          public void close() {
            closed.set(true);
          }
        };
    try (BackgroundOutputStream out = new BackgroundOutputStream(sink, 4096, 2, "test")) {
      int off = 0;
      Random sizes = new Random(1);
      while (off < data.length) {
        int n = Math.min(data.length - off, sizes.nextInt(10_000));
        if (n == 1) {
          out.write(data[off]);
        } else {
          out.write(data, off, n);
        }
        off += n;
      }
      assertTrue(!closed.get());
    }
    assertTrue(closed.get(), "close closes the delegate");
    assertArrayEquals(data, sink.toByteArray());
  }

  /** The writer never runs ahead by more than depth + 1 chunks: memory stays flat. */
  @Test
  void writerWaitsForASlowDelegate() throws Exception {
    AtomicInteger delivered = new AtomicInteger();
    AtomicInteger maxAhead = new AtomicInteger();
    AtomicInteger written = new AtomicInteger();
    OutputStream slow =
        new OutputStream() {
          @Override
          public void write(int b) {
            throw new UnsupportedOperationException();
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            try {
              Thread.sleep(2);
            } catch (InterruptedException e) {
              throw new IOException(e);
            }
            delivered.addAndGet(len);
          }
        };
    try (BackgroundOutputStream out = new BackgroundOutputStream(slow, 1000, 2, "test")) {
      byte[] b = new byte[100];
      for (int i = 0; i < 500; i++) {
        out.write(b);
        written.addAndGet(b.length);
        maxAhead.accumulateAndGet(written.get() - delivered.get(), Math::max);
      }
    }
    assertEquals(50_000, delivered.get());
    // one chunk being filled, two queued, one being written
    assertTrue(maxAhead.get() <= 4 * 1000, "ran ahead by " + maxAhead.get());
  }

  @Test
  void delegateFailure_isRethrownToTheWriter() throws Exception {
    OutputStream failing =
        new OutputStream() {
          @Override
          public void write(int b) {}

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            throw new IOException("disk full writing blob");
          }
        };
    BackgroundOutputStream out = new BackgroundOutputStream(failing, 100, 1, "test");
    IOException e =
        assertThrows(
            IOException.class,
            () -> {
              for (int i = 0; i < 1000; i++) {
                out.write(new byte[50]);
              }
              out.close();
            });
    assertEquals("disk full writing blob", e.getMessage());
    out.abort();
  }

  @Test
  void abort_stopsWithoutClosingTheDelegate() throws Exception {
    AtomicBoolean closed = new AtomicBoolean();
    OutputStream sink =
        new OutputStream() {
          @Override
          public void write(int b) {}

          @Override
          public void close() {
            closed.set(true);
          }
        };
    BackgroundOutputStream out = new BackgroundOutputStream(sink, 100, 1, "test");
    out.write(new byte[1000]);
    out.abort();
    assertTrue(!closed.get());
  }
}
