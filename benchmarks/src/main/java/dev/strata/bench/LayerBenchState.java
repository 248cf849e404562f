package dev.strata.bench;

import dev.strata.layer.Trees;
import dev.strata.layer.Unpacker;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The input of the layer benchmarks: a rootfs tarball (system property {@code strata.bench.rootfs},
 * default the golang base of /work/shared/fixtures/make-bases.sh) unpacked once into a scratch
 * directory ({@code strata.bench.scratch}, default /var/tmp/strata-bench).
 */
final class LayerBenchState {
  static final Path ROOTFS_TAR =
      Path.of(System.getProperty("strata.bench.rootfs", "/var/tmp/bases/golang.tar"));
  static final Path SCRATCH =
      Path.of(System.getProperty("strata.bench.scratch", "/var/tmp/strata-bench"));

  private LayerBenchState() {}

  /** The unpacked rootfs, made on first use and reused by later runs. */
  static Path rootfs() throws IOException {
    Path dir = SCRATCH.resolve("rootfs");
    Path done = SCRATCH.resolve("rootfs.done");
    if (Files.exists(done)) {
      return dir;
    }
    if (!Files.isRegularFile(ROOTFS_TAR)) {
      throw new IOException(
          "no benchmark rootfs "
              + ROOTFS_TAR
              + ": run /work/shared/fixtures/make-bases.sh /var/tmp/bases or set -Dstrata.bench.rootfs");
    }
    Trees.removeAll(dir);
    Files.createDirectories(dir);
    try (InputStream in = Files.newInputStream(ROOTFS_TAR)) {
      new Unpacker(Unpacker.Options.defaults()).unpack(in, dir);
    }
    Files.createFile(done);
    return dir;
  }
}
