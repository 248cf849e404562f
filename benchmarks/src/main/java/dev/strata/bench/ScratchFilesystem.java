package dev.strata.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A new, empty ext4 filesystem on a loop file mounted at a directory, for one unpack (as root;
 * elsewhere only the directory, and the figures swing with the filesystem's state). Unpacking into
 * a filesystem that just had a big tree deleted makes ext4's inode allocator skip the recently
 * freed inodes for minutes: a JMH trial's teardown charged the next trial seconds per unpack (a
 * zstd unpack measured 5.0 s/op after the plain trial's, 1.8 s alone). Dropping a loop file frees
 * one inode, not a tree. layer-cli-baseline.sh's FRESH_FS=1 does the same.
 */
final class ScratchFilesystem implements AutoCloseable {
  private final Path dir;
  private final Path image;

  private ScratchFilesystem(Path dir, Path image) {
    this.dir = dir;
    this.image = image;
  }

  /** Makes {@code dir} and, as root, mounts a fresh ext4 of {@code bytes} there. */
  static ScratchFilesystem at(Path dir, long bytes) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    if (!"root".equals(System.getProperty("user.name"))) {
      return new ScratchFilesystem(dir, null);
    }
    Path image = dir.resolveSibling(dir.getFileName() + ".img");
    run("truncate", "-s", Long.toString(bytes), image.toString());
    run("mkfs.ext4", "-q", "-F", image.toString());
    run("mount", "-o", "loop", image.toString(), dir.toString());
    return new ScratchFilesystem(dir, image);
  }

  Path dir() {
    return dir;
  }

  /** Unmounts and drops the image; a plain directory is left for the caller to remove. */
  @Override
  public void close() throws IOException {
    if (image != null) {
      try {
        run("umount", dir.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted unmounting " + dir, e);
      }
      Files.delete(image);
      Files.delete(dir);
    }
  }

  /**
   * Writes back all dirty pages, as the CLI runs start after a sync: else an unpack is throttled
   * for an earlier one's writeback (balance_dirty_pages).
   */
  static void sync() throws IOException, InterruptedException {
    run("sync");
  }

  private static void run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed with exit code " + p.exitValue());
    }
  }
}
