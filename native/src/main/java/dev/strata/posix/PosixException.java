package dev.strata.posix;

import java.io.IOException;

/** A failed libc call: names the call, the path and the errno text ("lchown /x: EPERM ..."). */
public final class PosixException extends IOException {
  private final int errno;

  public PosixException(String call, String path, int errno, String text) {
    super(call + " " + path + ": " + Errno.name(errno) + " (" + text + ")");
    this.errno = errno;
  }

  /** The errno value, comparable with the constants in {@link Errno}. */
  public int errno() {
    return errno;
  }
}
