package dev.strata.bench;

import dev.strata.codec.Compression;
import dev.strata.layer.LayerWriter;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Writing a whole rootfs as one layer (tar + compression + diffID + digest in one pass) to
 * /dev/null-like output, as {@code strata import} does. Compare with layer-cli-baseline.sh, which
 * times {@code tar | zstd -T0 -3} and {@code tar | pigz} on the same directory.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(
    value = 1,
    jvmArgs = {"-Xmx256m"}) // memory must stay flat in the layer size
public class LayerWriteBenchmark {
  @Param({"ZSTD", "GZIP", "NONE"})
  public String compression;

  Path rootfs;
  long lastUncompressed;
  long lastCompressed;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    rootfs = LayerBenchState.rootfs();
  }

  /**
   * Writes outside JMH, for layer-cli-baseline.sh to time (wall and CPU) next to the CLI: {@code
   * java -cp benchmarks.jar dev.strata.bench.LayerWriteBenchmark ZSTD|GZIP|NONE [DIR [N]]}. With N
   * > 1 the layer is written N times in this JVM and each write's wall seconds printed as {@code
   * [write] N SECONDS}: the first pays the JIT, the later ones are the warm figure JMH would give.
   */
  public static void main(String[] args) throws Exception {
    LayerWriteBenchmark b = new LayerWriteBenchmark();
    b.compression = args[0];
    b.rootfs = args.length > 1 ? Path.of(args[1]) : LayerBenchState.rootfs();
    int times = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    for (int i = 1; i <= times; i++) {
      long t0 = System.nanoTime();
      b.writeLayer();
      System.out.printf("[write] %d %.3f%n", i, (System.nanoTime() - t0) / 1e9);
    }
  }

  @Benchmark
  public LayerWriter.Written writeLayer() throws Exception {
    LayerWriter w =
        new LayerWriter(new LayerWriter.Options(Compression.valueOf(compression), 1_700_000_000L));
    LayerWriter.Written out = w.writeTree(rootfs, Set.of(), OutputStream.nullOutputStream());
    System.out.printf(
        "%n[layer] %s: tar %d bytes -> %d bytes, diffID %s, digest %s%n",
        compression, out.uncompressedSize(), out.size(), out.diffId(), out.digest());
    return out;
  }
}
