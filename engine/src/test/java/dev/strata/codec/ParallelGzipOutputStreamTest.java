package dev.strata.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ParallelGzipOutputStreamTest {
  private static byte[] input(int size) {
    byte[] b = new byte[size];
    Random r = new Random(size);
    for (int i = 0; i < size; i++) {
      // half text-like (compressible, with matches across block borders), half random
      b[i] = (i / 4096) % 2 == 0 ? (byte) ("strata layer ".charAt(i % 13)) : (byte) r.nextInt();
    }
    return b;
  }

  private static byte[] gzip(byte[] data, int threads) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ParallelGzipOutputStream z = new ParallelGzipOutputStream(out, 6, threads)) {
      // odd write sizes so block borders fall inside writes
      for (int off = 0; off < data.length; off += 7777) {
        z.write(data, off, Math.min(7777, data.length - off));
      }
    }
    return out.toByteArray();
  }

  @ParameterizedTest
  @ValueSource(
      ints = {
        0,
        1,
        ParallelGzipOutputStream.BLOCK - 1,
        ParallelGzipOutputStream.BLOCK,
        3 * ParallelGzipOutputStream.BLOCK + 17,
        5_000_000
      })
  void anyGzipReaderReadsIt_andThreadsDoNotChangeBytes(int size) throws IOException {
    byte[] data = input(size);
    byte[] one = gzip(data, 1);
    byte[] four = gzip(data, 4);
    assertArrayEquals(one, four, "output must not depend on the number of threads");
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(four))) {
      assertArrayEquals(data, in.readAllBytes());
    }
    assertEquals(
        Compression.GZIP,
        Compression.detect(new java.io.BufferedInputStream(new ByteArrayInputStream(four))));
  }

  @ParameterizedTest
  @ValueSource(ints = {1_000_000})
  void gnuGzipAcceptsIt(int size) throws Exception {
    byte[] z = gzip(input(size), 2);
    java.nio.file.Path f = java.nio.file.Files.createTempFile("pgz", ".gz");
    try {
      java.nio.file.Files.write(f, z);
      Process p = new ProcessBuilder("gzip", "-t", f.toString()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      assertEquals(0, p.waitFor(), "gzip -t: " + out);
    } finally {
      java.nio.file.Files.delete(f);
    }
  }
}
