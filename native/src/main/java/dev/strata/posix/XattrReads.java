package dev.strata.posix;

import static dev.strata.posix.Posix.LIBC;
import static dev.strata.posix.Posix.RUNTIME;
import static dev.strata.posix.Posix.display;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.LastError;

/**
 * Reading extended attributes, for {@link Posix}: each asks the size first (most files have none,
 * and jnr copies the whole {@code @Out} array back) and asks again when it grew meanwhile (ERANGE).
 */
final class XattrReads {
  private static final byte[] EMPTY = new byte[1]; // size 0 asks the kernel for the size

  private XattrReads() {}

  /** The value of an extended attribute, or null when {@code path} has none of that name. */
  static byte[] lgetxattr(Path path, String name) throws PosixException {
    // Ask the size first: most files have no such xattr, and jnr copies the whole @Out array.
    for (int attempt = 0; attempt < 3; attempt++) {
      long size = LIBC.lgetxattr(FileNames.cString(path), name, EMPTY, 0);
      if (size < 0) {
        int errno = LastError.getLastError(RUNTIME);
        if (errno == Errno.ENODATA || errno == Errno.ENOTSUP) {
          return null;
        }
        throw new PosixException("lgetxattr " + name, display(path), errno, LIBC.strerror(errno));
      }
      byte[] buf = new byte[(int) Math.max(1, size)];
      long n = LIBC.lgetxattr(FileNames.cString(path), name, buf, size);
      if (n >= 0) {
        return n == buf.length ? buf : java.util.Arrays.copyOf(buf, (int) n);
      }
      int errno = LastError.getLastError(RUNTIME);
      if (errno != Errno.ERANGE) { // ERANGE: it grew between the calls; ask again
        throw new PosixException("lgetxattr " + name, display(path), errno, LIBC.strerror(errno));
      }
    }
    throw new PosixException("lgetxattr " + name, display(path), Errno.ERANGE, "keeps growing");
  }

  /** The names of the extended attributes of {@code path} itself, in the kernel's order. */
  static List<String> llistxattr(Path path) throws PosixException {
    long size = LIBC.llistxattr(FileNames.cString(path), EMPTY, 0);
    byte[] buf = size > 0 ? new byte[(int) size] : EMPTY;
    long n = size > 0 ? LIBC.llistxattr(FileNames.cString(path), buf, buf.length) : size;
    if (n < 0) {
      int errno = LastError.getLastError(RUNTIME);
      if (errno == Errno.ENOTSUP) {
        return List.of();
      }
      if (errno == Errno.ERANGE) {
        return llistxattr(path); // grew between the calls
      }
      throw new PosixException("llistxattr", display(path), errno, LIBC.strerror(errno));
    }
    List<String> names = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < n; i++) {
      if (buf[i] == 0) {
        names.add(new String(buf, start, i - start, StandardCharsets.UTF_8));
        start = i + 1;
      }
    }
    return names;
  }
}
