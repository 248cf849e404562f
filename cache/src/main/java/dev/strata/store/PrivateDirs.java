package dev.strata.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Directories of the store that only their owner may enter (0700), as podman keeps {@code
 * ~/.local/share/containers}: a cache mount or a leftover rootfs may hold a setuid file a build
 * step made, which another local user could otherwise run as the builder. The directories of
 * unpacked layers and rootfs trees are not made here: their modes are the image's.
 */
public final class PrivateDirs {
  private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

  private PrivateDirs() {}

  /**
   * Creates {@code dir} and each missing parent 0700 (the XDG base directory spec asks the same of
   * the data home); directories that exist keep their mode. Returns {@code dir}.
   */
  public static Path create(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return dir;
    }
    return Files.createDirectories(dir, OWNER_ONLY);
  }

  /** A new directory {@code dir}, 0700; fails when it exists. */
  public static Path createNew(Path dir) throws IOException {
    return Files.createDirectory(dir, OWNER_ONLY);
  }

  /** The permission bits of {@code dir} (0755), without following a symlink. */
  static int mode(Path dir) throws IOException {
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
    int mode = 0;
    for (PosixFilePermission p : perms) {
      mode |= 1 << (8 - p.ordinal());
    }
    return mode;
  }
}
