package dev.strata.bench;

import dev.strata.layer.tar.TarEntry;
import dev.strata.layer.tar.TarReader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reading a whole tar, every entry's header and every content byte, with each of the two tar
 * readers Strata has: the layer path's own {@link TarReader} and commons-compress's {@link
 * TarArchiveInputStream} (used by {@code dev.strata.archive}). The same buffered stream under both;
 * the file is read from the page cache after the first pass. README "Two tar implementations" gives
 * the figures; {@code -p tar=PATH} reads another file.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(
    value = 1,
    jvmArgs = {"-Xmx256m"})
public class TarReadBenchmark {
  /** The 852 MB golang rootfs scripts/fixtures makes. */
  @Param({"/var/tmp/strata-fixtures/golang.tar"})
  public String tar;

  @Param({"strata", "commons-compress"})
  public String reader;

  private Path file;

  @Setup
  public void setUp() throws IOException {
    file = Path.of(tar);
    if (!Files.isRegularFile(file)) {
      throw new IOException(
          "no tar at " + file + ": run scripts/fixtures, or give one with -p tar=PATH");
    }
  }

  /** Entries and bytes read; both readers must agree (the figures are of the same work). */
  public record Count(long entries, long bytes) {}

  @Benchmark
  public Count read() throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      return reader.equals("strata") ? strata(in) : commonsCompress(in);
    }
  }

  static Count strata(InputStream in) throws IOException {
    byte[] buf = new byte[1 << 16];
    long entries = 0;
    long bytes = 0;
    TarReader r = new TarReader(in);
    for (TarEntry e = r.next(); e != null; e = r.next()) {
      entries++;
      InputStream content = r.content();
      for (int n = content.read(buf); n >= 0; n = content.read(buf)) {
        bytes += n;
      }
    }
    return new Count(entries, bytes);
  }

  static Count commonsCompress(InputStream in) throws IOException {
    byte[] buf = new byte[1 << 16];
    long entries = 0;
    long bytes = 0;
    TarArchiveInputStream t = new TarArchiveInputStream(in, "UTF-8");
    for (TarArchiveEntry e = t.getNextEntry(); e != null; e = t.getNextEntry()) {
      entries++;
      for (int n = t.read(buf); n >= 0; n = t.read(buf)) {
        bytes += n;
      }
    }
    return new Count(entries, bytes);
  }

  /**
   * Outside JMH, to check the two agree: {@code java -cp benchmarks.jar
   * dev.strata.bench.TarReadBenchmark TAR} prints each reader's entries, bytes and seconds.
   */
  public static void main(String[] args) throws IOException {
    Path p = Path.of(args[0]);
    for (String which : new String[] {"strata", "commons-compress"}) {
      long t0 = System.nanoTime();
      Count c;
      try (InputStream in = new BufferedInputStream(Files.newInputStream(p), 1 << 16)) {
        c = which.equals("strata") ? strata(in) : commonsCompress(in);
      }
      System.out.printf(
          "%s: %d entries, %d bytes, %.2f s%n",
          which, c.entries(), c.bytes(), (System.nanoTime() - t0) / 1e9);
    }
  }
}
