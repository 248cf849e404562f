package dev.strata.posix;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * What {@code lstat} says about a path, with nanosecond times (from statx). Never follows a final
 * symlink.
 *
 * @param mode type and permission bits as in {@code st_mode} (S_IFMT | 07777)
 * @param rdevMajor device major number for char/block devices (0:0 for overlay whiteouts)
 * @param btimeSec birth time, or 0 where the filesystem does not record it: with {@code ino} it
 *     tells a directory recreated under a reused inode number from the same directory
 */
public record FileStat(
    int mode,
    int uid,
    int gid,
    long size,
    long ino,
    int nlink,
    long devMajor,
    long devMinor,
    long rdevMajor,
    long rdevMinor,
    long mtimeSec,
    int mtimeNsec,
    long ctimeSec,
    int ctimeNsec,
    long btimeSec,
    int btimeNsec) {
  public static final int S_IFMT = 0170000;
  public static final int S_IFSOCK = 0140000;
  public static final int S_IFLNK = 0120000;
  public static final int S_IFREG = 0100000;
  public static final int S_IFBLK = 0060000;
  public static final int S_IFDIR = 0040000;
  public static final int S_IFCHR = 0020000;
  public static final int S_IFIFO = 0010000;

  /** The fields of a {@code struct statx} as the kernel filled it. */
  static FileStat ofStatx(byte[] buf) {
    ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder());
    // struct statx (include/uapi/linux/stat.h): fixed offsets.
    return new FileStat(
        b.getShort(28) & 0xffff,
        b.getInt(20),
        b.getInt(24),
        b.getLong(40),
        b.getLong(32),
        b.getInt(16),
        b.getInt(136) & 0xffffffffL,
        b.getInt(140) & 0xffffffffL,
        b.getInt(128) & 0xffffffffL,
        b.getInt(132) & 0xffffffffL,
        b.getLong(112),
        b.getInt(120),
        b.getLong(96),
        b.getInt(104),
        (b.getInt(0) & 0x800) != 0 ? b.getLong(80) : 0,
        (b.getInt(0) & 0x800) != 0 ? b.getInt(88) : 0);
  }

  /** The S_IFMT bits. */
  public int type() {
    return mode & S_IFMT;
  }

  /** Permission bits with setuid, setgid and sticky (07777). */
  public int permissions() {
    return mode & 07777;
  }

  public boolean isDirectory() {
    return type() == S_IFDIR;
  }

  public boolean isRegularFile() {
    return type() == S_IFREG;
  }

  public boolean isSymlink() {
    return type() == S_IFLNK;
  }

  /** A character device 0:0: an overlayfs whiteout. */
  public boolean isWhiteout() {
    return type() == S_IFCHR && rdevMajor == 0 && rdevMinor == 0;
  }

  /** The inode's identity on this machine (device and inode number), to find hard links. */
  public String inodeKey() {
    return devMajor + ":" + devMinor + ":" + ino;
  }
}
