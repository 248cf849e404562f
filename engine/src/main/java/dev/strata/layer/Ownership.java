package dev.strata.layer;

import dev.strata.posix.Errno;
import dev.strata.posix.FileStat;
import dev.strata.posix.Posix;
import dev.strata.posix.PosixException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Owners that the user namespace cannot represent. With only one id mapped (no subuid range) or
 * outside any namespace, {@code lchown} to another uid fails with EINVAL or EPERM. The intended
 * owner is then recorded in the xattr {@value #XATTR} as {@code "uid:gid"} (decimal), and every
 * reader of ownership in Strata (layer writer, tree diff, copy) goes through {@link #of}, so a
 * layer written later still carries the right uid/gid. overlayfs copies user.* xattrs on copy-up,
 * so the record survives a RUN that modifies the file. The xattr is never written into a layer.
 * Limitation: Linux allows user.* xattrs only on regular files and directories; for a symlink, fifo
 * or device whose owner cannot be applied the owner is lost and a warning is given.
 */
public final class Ownership {
  /** The xattr recording the owner a file should have had. */
  public static final String XATTR = "user.strata.owner";

  private Ownership() {}

  /**
   * Sets {@code uid:gid} on {@code path}, or records it when the namespace cannot. {@code fresh}:
   * the node was just made, so it carries no earlier record to clear.
   */
  public static void apply(
      Path path, FileStat st, int uid, int gid, boolean fresh, Consumer<String> warn)
      throws PosixException {
    try {
      if (st.uid() != uid || st.gid() != gid) {
        Posix.lchown(path, uid, gid);
      }
      if (!fresh && (st.isRegularFile() || st.isDirectory())) {
        if (Posix.lgetxattr(path, XATTR) != null) {
          Posix.lremovexattr(path, XATTR);
        }
      }
    } catch (PosixException e) {
      if (e.errno() != Errno.EPERM && e.errno() != Errno.EINVAL) {
        throw e;
      }
      if (st.isRegularFile() || st.isDirectory()) {
        Posix.lsetxattr(path, XATTR, (uid + ":" + gid).getBytes(StandardCharsets.US_ASCII));
      } else {
        warn.accept(
            "cannot set owner "
                + uid
                + ":"
                + gid
                + " of "
                + path
                + " here ("
                + e.getMessage()
                + "); it is lost for this "
                + (st.isSymlink() ? "symlink" : "node"));
      }
    }
  }

  /**
   * As {@link #apply} for a regular file just created and still open as {@code fd} ({@code path}
   * names it in messages): fchown, or the record where the namespace cannot.
   */
  static void applyToNewFile(int fd, Path path, FileStat st, int uid, int gid)
      throws PosixException {
    try {
      if (st.uid() != uid || st.gid() != gid) {
        Posix.fchown(fd, uid, gid, path);
      }
    } catch (PosixException e) {
      if (e.errno() != Errno.EPERM && e.errno() != Errno.EINVAL) {
        throw e;
      }
      Posix.fsetxattr(fd, XATTR, (uid + ":" + gid).getBytes(StandardCharsets.US_ASCII), path);
    }
  }

  /** The owner {@code path} stands for: the recorded one if any, else the real one. */
  public static int[] of(Path path, FileStat st) throws PosixException {
    if (st.isRegularFile() || st.isDirectory()) {
      byte[] rec = Posix.lgetxattr(path, XATTR);
      if (rec != null) {
        String s = new String(rec, StandardCharsets.US_ASCII);
        int colon = s.indexOf(':');
        try {
          return new int[] {
            Integer.parseInt(s.substring(0, colon)), Integer.parseInt(s.substring(colon + 1))
          };
        } catch (RuntimeException e) {
          throw new PosixException(
              "parse " + XATTR + " \"" + s + "\" of",
              path.toString(),
              Errno.EINVAL,
              "malformed owner record");
        }
      }
    }
    return new int[] {st.uid(), st.gid()};
  }

  /** True for xattrs that are Strata's or overlayfs's bookkeeping, never layer content. */
  public static boolean isInternalXattr(String name) {
    return name.equals(XATTR)
        || name.startsWith("trusted.overlay.")
        || name.startsWith("user.overlay.");
  }
}
