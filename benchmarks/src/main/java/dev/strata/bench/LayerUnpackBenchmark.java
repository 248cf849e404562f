package dev.strata.bench;

import dev.strata.codec.Compression;
import dev.strata.layer.LayerWriter;
import dev.strata.layer.Trees;
import dev.strata.layer.Unpacker;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Unpacking the rootfs layer (decompress + safe resolve + write + diffID) into a fresh directory.
 * Compare with {@code tar -x} and {@code zstd -dc | tar -x} in layer-cli-baseline.sh.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(
    value = 1,
    jvmArgs = {"-Xmx256m"})
public class LayerUnpackBenchmark {
  @Param({"NONE", "ZSTD"})
  public String compression;

  Path layer;
  Path target;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Path rootfs = LayerBenchState.rootfs();
    layer = LayerBenchState.SCRATCH.resolve("layer." + compression);
    if (!Files.exists(layer)) {
      Path part = LayerBenchState.SCRATCH.resolve("layer.part");
      try (OutputStream out = Files.newOutputStream(part)) {
        new LayerWriter(new LayerWriter.Options(Compression.valueOf(compression), null))
            .writeTree(rootfs, Set.of(), out);
      }
      Files.move(part, layer);
    }
  }

  int invocations;
  ScratchFilesystem scratch;

  /** Every unpack gets a filesystem of its own (see {@link ScratchFilesystem}). */
  @Setup(Level.Invocation)
  public void fresh() throws Exception {
    scratch =
        ScratchFilesystem.at(
            LayerBenchState.SCRATCH.resolve("unpack/" + invocations++),
            4L << 30); // sparse: room for the 852 MB rootfs three times over
    target = scratch.dir();
    ScratchFilesystem.sync();
  }

  @TearDown(Level.Invocation)
  public void unmount() throws Exception {
    scratch.close();
  }

  /**
   * Unpacks outside JMH, for layer-cli-baseline.sh: {@code java -cp benchmarks.jar
   * dev.strata.bench.LayerUnpackBenchmark LAYER_FILE TARGET_DIR...}, once into each target in turn
   * (fresh, empty directories or filesystems), printing each unpack's wall seconds as {@code
   * [unpack] N SECONDS}: the first pays the JIT, the later ones are the warm figure.
   */
  public static void main(String[] args) throws Exception {
    for (int i = 1; i < args.length; i++) {
      Path dir = Path.of(args[i]);
      Files.createDirectories(dir);
      ScratchFilesystem.sync();
      long t0 = System.nanoTime();
      long cpu0 = processCpuNanos();
      Unpacker.Result r =
          new Unpacker(Unpacker.Options.defaults()).unpackFile(Path.of(args[0]), dir);
      System.out.printf(
          "[unpack] %d %.3f (cpu %.2f s, %d bytes, diffID %s)%n",
          i,
          (System.nanoTime() - t0) / 1e9,
          (processCpuNanos() - cpu0) / 1e9,
          r.size(),
          r.diffId());
    }
  }

  /** As a snapshotter unpacks a store blob. */
  @Benchmark
  public Unpacker.Result unpack() throws Exception {
    return new Unpacker(Unpacker.Options.defaults()).unpackFile(layer, target);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    Trees.removeAll(LayerBenchState.SCRATCH.resolve("unpack"));
  }

  /** CPU seconds of the whole JVM (every thread, JIT and GC included), as time(1) counts. */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
