package dev.strata.layer;

import dev.strata.layer.tar.TarEntry;
import dev.strata.layer.tar.TarReader;
import dev.strata.posix.Errno;
import dev.strata.posix.FileNames;
import dev.strata.posix.FileStat;
import dev.strata.posix.Posix;
import dev.strata.posix.PosixException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What an unpacked entry carries besides its name and type: content, owner (applied or recorded,
 * see {@link Ownership}), xattrs, mode and mtime, set in the order that keeps them (mode after
 * chown, which clears setuid).
 */
final class EntryMeta {
  private static final int COPY_BUFFER = 1 << 17;

  private final Consumer<String> warn;
  private final byte[] copyBuffer = new byte[COPY_BUFFER];

  /** {@code warn}: what could not be kept (an xattr, an owner). */
  EntryMeta(Consumer<String> warn) {
    this.warn = warn;
  }

  /** Content, owner, xattrs, mode and mtime of a regular file just created as {@code fd}. */
  void writeFile(int fd, Path host, TarEntry e, TarReader reader) throws IOException {
    try {
      InputStream in = reader.content();
      int n;
      while ((n = in.read(copyBuffer)) > 0) {
        Posix.write(fd, copyBuffer, n, host);
      }
      FileStat st = Posix.fstat(fd, host);
      Ownership.applyToNewFile(fd, host, st, e.uid(), e.gid());
      xattrs(e, (name, value) -> Posix.fsetxattr(fd, name, value, host));
      Posix.fchmod(fd, e.mode(), host); // after chown, which clears setuid
      Posix.futimes(fd, e.mtimeSec(), e.mtimeNsec(), host);
    } finally {
      Posix.close(fd);
    }
  }

  /**
   * Owner, xattrs, mode and mtime of the node reached as {@code p} (through its pinned parent, or
   * for a directory its own pinned fd); no call follows a final symlink.
   */
  void finish(Path p, TarEntry e, boolean mayRecord) throws IOException {
    FileStat st = Posix.lstat(p);
    Ownership.apply(p, st, e.uid(), e.gid(), mayRecord, warn);
    xattrs(e, (name, value) -> Posix.lsetxattr(p, name, value));
    if (!st.isSymlink()) {
      Posix.lchmod(p, e.mode()); // after chown, which clears setuid
    }
    Posix.lutimes(p, e.mtimeSec(), e.mtimeNsec());
  }

  /** How an xattr is set: on a pinned fd or on a path that is not followed. */
  private interface XattrSetter {
    void set(String name, byte[] value) throws PosixException;
  }

  /**
   * Sets the entry's xattrs but Strata's own; one the filesystem or the user may not have (EPERM,
   * ENOTSUP, EACCES) is a warning naming it, not a failure.
   */
  private void xattrs(TarEntry e, XattrSetter setter) throws PosixException {
    for (Map.Entry<String, byte[]> x : e.xattrs().entrySet()) {
      if (Ownership.isInternalXattr(x.getKey())) {
        continue;
      }
      try {
        setter.set(x.getKey(), x.getValue());
      } catch (PosixException ex) {
        if (ex.errno() != Errno.EPERM
            && ex.errno() != Errno.ENOTSUP
            && ex.errno() != Errno.EACCES) {
          throw ex;
        }
        warn.accept(
            "xattr "
                + x.getKey()
                + " of "
                + FileNames.display(e.name())
                + " not kept: "
                + ex.getMessage());
      }
    }
  }
}
