package dev.strata.layer;

import dev.strata.posix.Errno;
import dev.strata.posix.Posix;
import dev.strata.posix.PosixException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Copies the data of regular files for one tree copy, by reflink (the FICLONE ioctl: the new file
 * shares the old one's extents, copy-on-write, as {@code cp --reflink=auto} and containerd's and
 * podman's copy paths do) where the filesystem supports it, else by a plain copy. The choice is
 * made once, at the first file: a filesystem without reflinks (ext4, tmpfs) answers EOPNOTSUPP,
 * EXDEV (another filesystem), EINVAL or ENOTTY, and every later file is copied without asking
 * again, so a large tree on ext4 costs one failed ioctl, not one per file. If a later clone is
 * refused in the same way (a mount inside the tree), the rest are copied too. Any other error
 * (EACCES, ENOSPC, EIO) is an error. The new file is created with mode 0600; the caller sets mode,
 * owner and times afterwards.
 */
final class FileCloner {
  /** How data was copied so far. */
  enum Mode {
    UNDECIDED,
    REFLINK,
    COPY
  }

  private Mode mode = Mode.UNDECIDED;
  private int cloneAttempts;
  private int cloned;
  private int copied;

  /** A cloner that starts undecided. */
  FileCloner() {}

  /** A cloner that never tries FICLONE (for tests of the copy path, and as an off switch). */
  static FileCloner copyOnly() {
    FileCloner c = new FileCloner();
    c.mode = Mode.COPY;
    return c;
  }

  /** Creates {@code dst} (which must not exist) with the data of the regular file {@code src}. */
  void copy(Path src, Path dst) throws IOException {
    if (mode != Mode.COPY) {
      if (tryClone(src, dst)) {
        mode = Mode.REFLINK;
        cloned++;
        return;
      }
      mode = Mode.COPY;
    }
    // JDK 17 copies through user space; good enough as the fallback, and keeps it portable.
    Files.copy(src, dst);
    copied++;
  }

  private boolean tryClone(Path src, Path dst) throws IOException {
    cloneAttempts++;
    int in = Posix.open(src, Posix.O_RDONLY | Posix.O_NOFOLLOW, 0);
    try {
      int out =
          Posix.open(dst, Posix.O_WRONLY | Posix.O_CREAT | Posix.O_EXCL | Posix.O_NOFOLLOW, 0600);
      try {
        Posix.ficlone(out, in, dst);
        return true;
      } catch (PosixException e) {
        if (!unsupported(e.errno())) {
          throw e;
        }
      } finally {
        Posix.close(out);
      }
      Files.delete(dst); // the empty file the refused clone left
      return false;
    } finally {
      Posix.close(in);
    }
  }

  /** The errno values with which the kernel says "no reflink here", not "this file is bad". */
  static boolean unsupported(int errno) {
    return errno == Errno.ENOTSUP
        || errno == Errno.EXDEV
        || errno == Errno.EINVAL
        || errno == Errno.ENOTTY;
  }

  Mode mode() {
    return mode;
  }

  /** FICLONE calls made: 1 on a filesystem without reflinks, however many files. */
  int cloneAttempts() {
    return cloneAttempts;
  }

  int cloned() {
    return cloned;
  }

  int copied() {
    return copied;
  }
}
