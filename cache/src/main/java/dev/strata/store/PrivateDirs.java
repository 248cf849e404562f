package dev.strata.store;

import dev.strata.nshelper.UserNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

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

  private static final Logger LOG = Logger.getLogger(Store.class.getName());

  /** The stores this JVM has warned about: once per command, not once per open. */
  private static final Set<Path> WARNED = ConcurrentHashMap.newKeySet();

  /**
   * Warns, once per command, about a store ({@code root}) other users may enter: a setuid file a
   * step leaves in a cache mount would run as the builder for them. Only outside the namespace: the
   * JVM inside runs the same command again, which warned already (a command that enters the
   * namespace before it opens the store calls this first). Nothing for a store not made yet.
   */
  public static void warnIfOpenToOthers(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      return;
    }
    int mode = PrivateDirs.mode(root);
    if ((mode & 077) != 0 && !UserNamespace.inside() && WARNED.add(root)) {
      String what = (mode & 055) != 0 ? "readable" : "writable";
      LOG.warning(
          String.format(
              "store %s is %s by other users (mode %04o); chmod 700 %s",
              root, what, mode & 07777, root));
    }
  }
}
