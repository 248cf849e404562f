package dev.strata.layer;

import dev.strata.posix.Errno;
import dev.strata.posix.Posix;
import dev.strata.posix.PosixException;
import java.nio.file.Path;

/**
 * Directories of a tree opened by fd without a way out of it, for {@link RootReader} (reads) and
 * {@link ScopedRoot} (writes): {@code openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)} where the
 * kernel has it (Linux 5.6), else one component at a time with {@code O_NOFOLLOW}, as runc's
 * securejoin fallback does. An fd is then reached as {@code /proc/self/fd/N}.
 */
final class DirFds {
  static final int DIR_PATH = Posix.O_PATH | Posix.O_DIRECTORY;
  private static final long RESOLVE = Posix.RESOLVE_IN_ROOT | Posix.RESOLVE_NO_MAGICLINKS;

  private DirFds() {}

  /** Whether openat2 works here, tried on the root's own fd. */
  static boolean probeOpenat2(int rootFd) throws PosixException {
    try {
      Posix.close(Posix.openat2(rootFd, ".", DIR_PATH, 0, RESOLVE));
      return true;
    } catch (PosixException e) {
      // ENOSYS: kernel < 5.6; EPERM: a seccomp filter (older Docker profiles) refuses it
      if (e.errno() == Errno.ENOSYS || e.errno() == Errno.EPERM) {
        return false;
      }
      throw e;
    }
  }

  /** The directory {@code rel} (text, see FileNames) under {@code rootFd}, opened O_PATH. */
  static int open(int rootFd, String rel, boolean openat2) throws PosixException {
    return openat2 ? Posix.openat2(rootFd, rel, DIR_PATH, 0, RESOLVE) : walk(rootFd, rel);
  }

  /** One component at a time, never following a symlink: ELOOP/ENOTDIR where one was put. */
  private static int walk(int rootFd, String rel) throws PosixException {
    int cur = rootFd;
    try {
      for (String c : rel.split("/")) {
        int next = Posix.openat(cur, c, DIR_PATH | Posix.O_NOFOLLOW, 0);
        if (cur != rootFd) {
          Posix.close(cur);
        }
        cur = next;
      }
      return cur;
    } catch (PosixException e) {
      if (cur != rootFd) {
        Posix.close(cur);
      }
      throw e;
    }
  }

  static Path fdPath(int fd) {
    return Path.of("/proc/self/fd/" + fd);
  }
}
