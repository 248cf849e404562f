package dev.strata.posix;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/**
 * The calls {@code java.nio} cannot make: ownership, permission bits with setuid/sticky and
 * nanosecond times on a path without following a final symlink, device nodes and fifos, extended
 * attributes (the l* calls, which never follow a symlink) and a full lstat ({@link FsMount}
 * mounts). Every method throws {@link PosixException} carrying errno.
 */
public final class Posix {
  private static final int AT_FDCWD = -100;
  private static final int AT_SYMLINK_NOFOLLOW = 0x100;
  private static final int STATX_BASIC_STATS_AND_BTIME = 0xfff;
  // "" as a C string, for AT_EMPTY_PATH; apart from EMPTY, which jnr fills as an @Out buffer
  private static final byte[] NO_PATH = new byte[1];

  static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
  static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

  private Posix() {}

  static PosixException error(String call, Path path) {
    return error(call, display(path));
  }

  /** {@code name} is text ({@link FileNames}): shown with its bytes that are not UTF-8 escaped. */
  private static PosixException error(String call, String name) {
    int errno = LastError.getLastError(RUNTIME);
    return new PosixException(call, FileNames.display(name), errno, LIBC.strerror(errno));
  }

  static String display(Path path) {
    return FileNames.display(FileNames.text(path));
  }

  /** Sets the owner of {@code path} itself (a symlink is not followed). */
  public static void lchown(Path path, int uid, int gid) throws PosixException {
    if (LIBC.lchown(FileNames.cString(path), uid, gid) != 0) {
      throw error("lchown", path);
    }
  }

  /** Sets all 07777 mode bits (setuid, setgid, sticky included); follows symlinks, as chmod(2). */
  public static void chmod(Path path, int mode) throws PosixException {
    if (LIBC.chmod(FileNames.cString(path), mode & 07777) != 0) {
      throw error("chmod", path);
    }
  }

  /** Sets atime and mtime with nanoseconds on {@code path} itself (symlinks included). */
  public static void lutimes(Path path, long mtimeSec, int mtimeNsec) throws PosixException {
    long[] times = {mtimeSec, mtimeNsec, mtimeSec, mtimeNsec};
    if (LIBC.utimensat(AT_FDCWD, FileNames.cString(path), times, AT_SYMLINK_NOFOLLOW) != 0) {
      throw error("utimensat", path);
    }
  }

  /** Makes a device node; {@code type} is {@link FileStat#S_IFCHR} or {@link FileStat#S_IFBLK}. */
  public static void mknod(Path path, int type, int perm, long major, long minor)
      throws PosixException {
    if (LIBC.mknod(FileNames.cString(path), type | (perm & 07777), makedev(major, minor)) != 0) {
      throw error("mknod", path);
    }
  }

  /** An overlayfs whiteout: a character device 0:0. Allowed unprivileged since Linux 5.8. */
  public static void mkWhiteout(Path path) throws PosixException {
    mknod(path, FileStat.S_IFCHR, 0, 0, 0);
  }

  public static void mkfifo(Path path, int perm) throws PosixException {
    if (LIBC.mkfifo(FileNames.cString(path), perm & 07777) != 0) {
      throw error("mkfifo", path);
    }
  }

  /** glibc's gnu_dev_makedev. */
  static long makedev(long major, long minor) {
    return ((major & 0xfffff000L) << 32)
        | ((major & 0xfffL) << 8)
        | ((minor & 0xffffff00L) << 12)
        | (minor & 0xffL);
  }

  /** lstat with nanosecond times. */
  public static FileStat lstat(Path path) throws PosixException {
    byte[] buf = new byte[256];
    if (LIBC.statx(
            AT_FDCWD,
            FileNames.cString(path),
            AT_SYMLINK_NOFOLLOW,
            STATX_BASIC_STATS_AND_BTIME,
            buf)
        != 0) {
      throw error("statx", path);
    }
    return FileStat.ofStatx(buf);
  }

  /**
   * lstat, or null when nothing is there (ENOENT). No exception is made for the common miss (an
   * unpacker asks this of almost every entry it creates; an exception with its strerror cost more
   * than the statx).
   */
  public static FileStat lstatOrNull(Path path) throws PosixException {
    byte[] buf = new byte[256];
    if (LIBC.statx(
            AT_FDCWD,
            FileNames.cString(path),
            AT_SYMLINK_NOFOLLOW,
            STATX_BASIC_STATS_AND_BTIME,
            buf)
        != 0) {
      if (LastError.getLastError(RUNTIME) == Errno.ENOENT) {
        return null;
      }
      throw error("statx", path);
    }
    return FileStat.ofStatx(buf);
  }

  private static final int AT_EMPTY_PATH = 0x1000;

  /** fstat of an open file, with nanosecond times; {@code path} only names it in errors. */
  public static FileStat fstat(int fd, Path path) throws PosixException {
    byte[] buf = new byte[256];
    if (LIBC.statx(
            fd, NO_PATH, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS_AND_BTIME, buf)
        != 0) {
      throw error("statx", path);
    }
    return FileStat.ofStatx(buf);
  }

  /** Writes all of {@code b[0..len)} to {@code fd}. */
  public static void write(int fd, byte[] b, int len, Path path) throws PosixException {
    byte[] rest = b;
    int left = len;
    while (left > 0) {
      long n = LIBC.write(fd, rest, left);
      if (n < 0) {
        throw error("write", path);
      }
      left -= (int) n;
      if (left > 0) {
        rest = java.util.Arrays.copyOfRange(rest, (int) n, (int) n + left);
      }
    }
  }

  public static void fchown(int fd, int uid, int gid, Path path) throws PosixException {
    if (LIBC.fchown(fd, uid, gid) != 0) {
      throw error("fchown", path);
    }
  }

  /** All 07777 mode bits of the open file. */
  public static void fchmod(int fd, int mode, Path path) throws PosixException {
    if (LIBC.fchmod(fd, mode & 07777) != 0) {
      throw error("fchmod", path);
    }
  }

  /** atime and mtime with nanoseconds of the open file. */
  public static void futimes(int fd, long mtimeSec, int mtimeNsec, Path path)
      throws PosixException {
    long[] times = {mtimeSec, mtimeNsec, mtimeSec, mtimeNsec};
    if (LIBC.futimens(fd, times) != 0) {
      throw error("futimens", path);
    }
  }

  public static void fsetxattr(int fd, String name, byte[] value, Path path) throws PosixException {
    if (LIBC.fsetxattr(fd, name, value, value.length, 0) != 0) {
      throw error("fsetxattr " + name, path);
    }
  }

  /** Sets an extended attribute on {@code path} itself. */
  public static void lsetxattr(Path path, String name, byte[] value) throws PosixException {
    if (LIBC.lsetxattr(FileNames.cString(path), name, value, value.length, 0) != 0) {
      throw error("lsetxattr " + name, path);
    }
  }

  /** The value of an extended attribute, or null when {@code path} has none of that name. */
  public static byte[] lgetxattr(Path path, String name) throws PosixException {
    return XattrReads.lgetxattr(path, name);
  }

  /** The names of the extended attributes of {@code path} itself, in the kernel's order. */
  public static List<String> llistxattr(Path path) throws PosixException {
    return XattrReads.llistxattr(path);
  }

  public static void lremovexattr(Path path, String name) throws PosixException {
    if (LIBC.lremovexattr(FileNames.cString(path), name) != 0) {
      throw error("lremovexattr " + name, path);
    }
  }

  public static final int O_RDONLY = 0;
  public static final int O_WRONLY = 01;
  public static final int O_NONBLOCK = 04000;
  public static final int O_CREAT = 0100;
  public static final int O_EXCL = 0200;
  public static final int O_NOFOLLOW = 0400000;
  public static final int O_DIRECTORY = 0200000;
  public static final int O_CLOEXEC = 02000000;
  public static final int O_PATH = 010000000;

  /** open(2): a file descriptor the caller must {@link #close}. */
  public static int open(Path path, int flags, int mode) throws PosixException {
    int fd = LIBC.open(FileNames.cString(path), flags | O_CLOEXEC, mode);
    if (fd < 0) {
      throw error("open", path);
    }
    return fd;
  }

  /** openat(2) relative to the directory fd {@code dirfd}; {@code name} is only for errors. */
  public static int openat(int dirfd, String path, int flags, int mode) throws PosixException {
    int fd = LIBC.openat(dirfd, FileNames.cString(path), flags | O_CLOEXEC, mode);
    if (fd < 0) {
      throw error("openat", path);
    }
    return fd;
  }

  /**
   * Sets all 07777 mode bits of {@code path} itself, never following a final symlink (which has no
   * mode of its own: EOPNOTSUPP); unlike {@link #chmod}, a symlink swapped in after a check cannot
   * redirect it.
   */
  public static void lchmod(Path path, int mode) throws PosixException {
    if (LIBC.fchmodat(AT_FDCWD, FileNames.cString(path), mode & 07777, AT_SYMLINK_NOFOLLOW) != 0) {
      throw error("fchmodat", path);
    }
  }

  /** close(2); errors are ignored, as after a read-only use there is nothing to lose. */
  public static void close(int fd) {
    LIBC.close(fd);
  }

  // linux/fs.h: #define FICLONE _IOW(0x94, 9, int)
  private static final long FICLONE = 0x40049409L;

  /**
   * Makes {@code dstFd} share the data extents of {@code srcFd} (a reflink: copy-on-write, no data
   * copied), as {@code cp --reflink} does. Fails with EOPNOTSUPP where the filesystem cannot (ext4,
   * tmpfs), EXDEV across filesystems, EINVAL for ranges it cannot share; {@code path} only names
   * the destination in the error.
   */
  public static void ficlone(int dstFd, int srcFd, Path path) throws PosixException {
    if (LIBC.ioctl(dstFd, FICLONE, srcFd) != 0) {
      throw error("ioctl FICLONE", path);
    }
  }

  // x86_64 arch/x86/entry/syscalls/syscall_64.tbl: 437 common openat2
  private static final long SYS_OPENAT2 = 437;
  public static final long RESOLVE_NO_MAGICLINKS = 0x02;
  public static final long RESOLVE_NO_SYMLINKS = 0x04;
  public static final long RESOLVE_BENEATH = 0x08;
  public static final long RESOLVE_IN_ROOT = 0x10;

  /**
   * openat2(2) (Linux 5.6): opens {@code path} relative to {@code dirfd} with {@code resolve}
   * flags, e.g. {@link #RESOLVE_IN_ROOT} so that symlinks and ".." are resolved as if {@code dirfd}
   * were "/". Throws with ENOSYS where the kernel (or a seccomp filter) lacks it. Only on x86_64
   * (the syscall number is per architecture); elsewhere ENOSYS is thrown without a call.
   */
  public static int openat2(int dirfd, String path, int flags, int mode, long resolve)
      throws PosixException {
    if (!"amd64".equals(System.getProperty("os.arch"))) {
      throw new PosixException("openat2", path, Errno.ENOSYS, "not wired for this architecture");
    }
    // struct open_how { u64 flags; u64 mode; u64 resolve; }
    ByteBuffer how = ByteBuffer.allocate(24).order(ByteOrder.nativeOrder());
    how.putLong((flags | O_CLOEXEC) & 0xffffffffL).putLong(mode).putLong(resolve);
    long fd = LIBC.syscall(SYS_OPENAT2, dirfd, FileNames.cString(path), how.array(), 24);
    if (fd < 0) {
      throw error("openat2", path);
    }
    return (int) fd;
  }
}
