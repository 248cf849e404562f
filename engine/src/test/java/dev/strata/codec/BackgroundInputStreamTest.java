package dev.strata.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackgroundInputStreamTest {
  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  @ParameterizedTest(name = "{0} bytes in chunks of {1}, {2} ahead, read by {3}")
  @CsvSource({
    // empty, smaller than a chunk, exactly a chunk, many chunks with a partial last one
    "0, 16, 2, 7",
    "5, 16, 2, 7",
    "16, 16, 2, 16",
    "1000003, 4096, 3, 1000",
    "1000003, 4096, 1, 1",
  })
  void bytesArriveInOrderAndUnchanged(int size, int chunk, int depth, int readSize)
      throws Exception {
    byte[] data = random(size);
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    try (InputStream in =
        new BackgroundInputStream(new ByteArrayInputStream(data), chunk, depth, "t")) {
      byte[] buf = new byte[readSize];
      for (int n; (n = in.read(buf, 0, buf.length)) >= 0; ) {
        got.write(buf, 0, n);
      }
      assertEquals(-1, in.read(), "the end stays the end");
    }
    assertArrayEquals(data, got.toByteArray());
  }

  @Test
  void theDelegatesFailureReachesTheReaderAfterTheBytesBeforeIt() throws Exception {
    byte[] first = random(10_000);
    InputStream failing =
        new InputStream() {
          int pos;

          @Override
          public int read() throws IOException {
            throw new AssertionError("read in chunks");
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            if (pos == first.length) {
              throw new IOException("zstd: corrupted block");
            }
            int n = Math.min(len, first.length - pos);
            System.arraycopy(first, pos, b, off, n);
            pos += n;
            return n;
          }
        };
    try (InputStream in = new BackgroundInputStream(failing, 4096, 2, "t")) {
      byte[] got = in.readNBytes(first.length);
      assertArrayEquals(first, got, "every byte before the failure");
      IOException e = assertThrows(IOException.class, () -> in.read(new byte[10], 0, 10));
      assertEquals("zstd: corrupted block", e.getMessage());
    }
  }

  @Test
  void aDigestTakenAsTheDelegateIsReadIsCompleteAtTheEnd() throws Exception {
    byte[] data = random(300_000);
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    InputStream hashing = new java.security.DigestInputStream(new ByteArrayInputStream(data), md);
    try (InputStream in = new BackgroundInputStream(hashing, 8192, 2, "t")) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), md.digest());
    }
  }

  @Test
  void closeStopsTheThreadAndClosesTheDelegate() throws Exception {
    AtomicBoolean closed = new AtomicBoolean();
    InputStream endless =
        new InputStream() {
          @Override
          public int read() {
            return 1;
          }

          @Override
          public int read(byte[] b, int off, int len) {
            java.util.Arrays.fill(b, off, off + len, (byte) 1);
            return len;
          }

          @Override
          public void close() {
            closed.set(true);
          }
        };
    InputStream in = new BackgroundInputStream(endless, 1024, 2, "t");
    assertEquals(1, in.read());
    in.close();
    assertTrue(closed.get());
    assertThrows(IOException.class, in::read);
  }
}
