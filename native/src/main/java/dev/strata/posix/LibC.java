package dev.strata.posix;

import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.Pinned;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The libc calls {@link Posix} binds with jnr-ffi. Every call saves errno; paths are passed as
 * NUL-terminated bytes ({@link FileNames#cString}), so any name reaches the kernel unchanged. The
 * l* variants never follow a final symlink.
 */
public interface LibC {
  @SaveError
  int lchown(@In byte[] path, int uid, int gid);

  @SaveError
  int chmod(@In byte[] path, int mode);

  /** times: {atime sec, atime nsec, mtime sec, mtime nsec} (two struct timespec). */
  @SaveError
  int utimensat(int dirfd, @In byte[] path, @In long[] times, int flags);

  @SaveError
  int mknod(@In byte[] path, int mode, long dev);

  @SaveError
  int mkfifo(@In byte[] path, int mode);

  @SaveError
  int lsetxattr(@In byte[] path, String name, @In byte[] value, @size_t long size, int flags);

  @SaveError
  @ssize_t
  long lgetxattr(@In byte[] path, String name, @Out byte[] value, @size_t long size);

  @SaveError
  @ssize_t
  long llistxattr(@In byte[] path, @Out byte[] list, @size_t long size);

  @SaveError
  int lremovexattr(@In byte[] path, String name);

  /** struct statx is 256 bytes with a fixed, architecture-independent layout. */
  @SaveError
  int statx(int dirfd, @In byte[] path, int flags, int mask, @Out byte[] statxbuf);

  @SaveError
  int mount(String source, @In byte[] target, String fstype, long flags, String data);

  @SaveError
  int umount2(@In byte[] target, int flags);

  @SaveError
  int open(@In byte[] path, int flags, int mode);

  @SaveError
  int openat(int dirfd, @In byte[] path, int flags, int mode);

  /** glibc >= 2.32 does AT_SYMLINK_NOFOLLOW through O_PATH and /proc (or fchmodat2). */
  @SaveError
  int fchmodat(int dirfd, @In byte[] path, int mode, int flags);

  @SaveError
  int close(int fd);

  /** Pinned: the kernel reads the array in place, no copy into a native buffer first. */
  @SaveError
  @ssize_t
  long write(int fd, @Pinned @In byte[] buf, @size_t long count);

  @SaveError
  int fchown(int fd, int uid, int gid);

  @SaveError
  int fchmod(int fd, int mode);

  /** times as for utimensat. */
  @SaveError
  int futimens(int fd, @In long[] times);

  @SaveError
  int fsetxattr(int fd, String name, @In byte[] value, @size_t long size, int flags);

  /** ioctl(2) with an integer argument (FICLONE takes the source fd). */
  @SaveError
  int ioctl(int fd, long request, long arg);

  /** syscall(2) with four integer arguments: openat2 has no glibc wrapper before 2.40. */
  @SaveError
  long syscall(long number, long a1, @In byte[] a2, @In byte[] a3, long a4);

  String strerror(int errnum);
}
