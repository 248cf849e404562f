package dev.strata.posix;

import java.nio.file.Path;
import java.util.List;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;

/**
 * Mounts: mount(2) and umount2(2), and Linux's mount API (fsopen, fsconfig, fsmount, move_mount;
 * glibc >= 2.36), for an overlay whose lower dirs do not fit in mount(2)'s one page of options: a
 * 28-layer image under a long store path already does not. Each lower dir is given on its own with
 * {@code lowerdir+} (Linux >= 6.8), so the stack is bounded only by overlayfs's 500 layers, as
 * containers/storage and containerd mount deep images.
 */
public final class FsMount {
  /** The calls, bound apart from {@link LibC} so that an older libc fails only here. */
  public interface Calls {
    @SaveError
    int fsopen(String fsname, int flags);

    @SaveError
    int fsconfig(int fd, int cmd, String key, String value, int aux);

    @SaveError
    int fsmount(int fd, int flags, int attrFlags);

    @SaveError
    int move_mount(int fromDirfd, String fromPath, int toDirfd, String toPath, int flags);

    int close(int fd);

    String strerror(int errno);
  }

  private static final int FSOPEN_CLOEXEC = 1;
  private static final int FSCONFIG_SET_FLAG = 0;
  private static final int FSCONFIG_SET_STRING = 1;
  private static final int FSCONFIG_CMD_CREATE = 6;
  private static final int FSMOUNT_CLOEXEC = 1;
  private static final int MOVE_MOUNT_F_EMPTY_PATH = 4;
  private static final int AT_FDCWD = -100;

  private static final class Holder {
    static final Calls C = LibraryLoader.create(Calls.class).load("c");
    static final Runtime RUNTIME = Runtime.getRuntime(C);
  }

  private FsMount() {}

  /** mount(2); {@code data} may be null. */
  public static void mount(String source, Path target, String fstype, long flags, String data)
      throws PosixException {
    if (Posix.LIBC.mount(source, FileNames.cString(target), fstype, flags, data) != 0) {
      throw Posix.error("mount " + fstype, target);
    }
  }

  /** umount2(2) with MNT_DETACH when {@code lazy}. */
  public static void umount(Path target, boolean lazy) throws PosixException {
    if (Posix.LIBC.umount2(FileNames.cString(target), lazy ? 2 : 0) != 0) {
      throw Posix.error("umount", target);
    }
  }

  /**
   * Mounts overlayfs on {@code target}: {@code lowersTopFirst} one by one, then upper and work dir,
   * with {@code userxattr} in a user namespace. Paths go as they are (no ':' or ',' escaping: no
   * option string is parsed).
   */
  public static void overlay(
      Path target, List<Path> lowersTopFirst, Path upper, Path work, boolean userxattr)
      throws PosixException {
    Calls c = Holder.C;
    int fs = c.fsopen("overlay", FSOPEN_CLOEXEC);
    if (fs < 0) {
      throw error("fsopen overlay", target);
    }
    try {
      for (Path lower : lowersTopFirst) {
        set(fs, "lowerdir+", lower.toString(), target);
      }
      set(fs, "upperdir", upper.toString(), target);
      set(fs, "workdir", work.toString(), target);
      if (userxattr && c.fsconfig(fs, FSCONFIG_SET_FLAG, "userxattr", null, 0) < 0) {
        throw error("fsconfig userxattr", target);
      }
      if (c.fsconfig(fs, FSCONFIG_CMD_CREATE, null, null, 0) < 0) {
        throw error(
            "fsconfig create (overlay of " + lowersTopFirst.size() + " lower dirs)", target);
      }
      int mnt = c.fsmount(fs, FSMOUNT_CLOEXEC, 0);
      if (mnt < 0) {
        throw error("fsmount overlay", target);
      }
      try {
        if (c.move_mount(mnt, "", AT_FDCWD, target.toString(), MOVE_MOUNT_F_EMPTY_PATH) < 0) {
          throw error("move_mount overlay", target);
        }
      } finally {
        c.close(mnt);
      }
    } finally {
      c.close(fs);
    }
  }

  private static void set(int fs, String key, String value, Path target) throws PosixException {
    if (Holder.C.fsconfig(fs, FSCONFIG_SET_STRING, key, value, 0) < 0) {
      // lowerdir+ is refused with EINVAL before Linux 6.8
      throw error("fsconfig " + key + " " + value, target);
    }
  }

  private static PosixException error(String call, Path target) {
    int errno = LastError.getLastError(Holder.RUNTIME);
    return new PosixException(call, "on " + target, errno, Holder.C.strerror(errno));
  }
}
