package dev.strata.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.Out;

/**
 * What the progress renderers ask of the terminal: whether a descriptor is one ({@code isatty(3)})
 * and how wide it is ({@code ioctl(TIOCGWINSZ)}, as {@code stty size} asks). The posix facade in
 * {@code native} has neither call, so they are bound here with jnr-ffi, the library it uses; a
 * failure to bind answers "not a terminal", never an error.
 */
final class Terminal {
  static final int STDERR = 2;
  static final int DEFAULT_COLUMNS = 80;
  private static final long TIOCGWINSZ = 0x5413; // asm-generic/ioctls.h (x86_64, aarch64)

  /** The libc calls bound here. */
  public interface Calls {
    int isatty(int fd);

    /** request TIOCGWINSZ fills struct winsize {ushort row, col, xpixel, ypixel}. */
    int ioctl(int fd, long request, @Out byte[] winsize);
  }

  private Terminal() {}

  /** Bound on first use: a build whose stderr is a file or a pipe never loads jnr-ffi. */
  private static final class Libc {
    static final Calls LIBC = load();
  }

  private static Calls load() {
    try {
      return LibraryLoader.create(Calls.class).load("c");
    } catch (RuntimeException | LinkageError e) {
      return null;
    }
  }

  /**
   * Whether {@code fd} is a terminal. A descriptor that /proc shows to be no terminal device (a
   * pipe, a socket, a file, /dev/null) is not one, which answers without binding libc.
   */
  static boolean isTty(int fd) {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
      if (!target.startsWith("/dev/pts/")
          && !target.startsWith("/dev/tty")
          && !target.equals("/dev/console")) {
        return false; // a pipe, socket, file or /dev/null
      }
    } catch (IOException | UnsupportedOperationException e) {
      // no /proc: ask libc
    }
    Calls libc = Libc.LIBC;
    return libc != null && libc.isatty(fd) == 1;
  }

  /**
   * The width to draw in: {@code $COLUMNS} when set (a user's or a test's choice, as less and
   * BuildKit honour it), else the terminal's on {@code fd}, else 80.
   */
  static int columns(Map<String, String> env, int fd) {
    String c = env.get("COLUMNS");
    if (c != null) {
      try {
        int n = Integer.parseInt(c.strip());
        if (n > 0) {
          return n;
        }
      } catch (NumberFormatException e) {
        // not a number: ask the terminal
      }
    }
    int n = ioctlColumns(fd);
    return n > 0 ? n : DEFAULT_COLUMNS;
  }

  /** The columns the kernel reports for {@code fd}, or 0 when it is not a terminal. */
  static int ioctlColumns(int fd) {
    Calls libc = Libc.LIBC;
    if (libc == null) {
      return 0;
    }
    byte[] ws = new byte[8];
    if (libc.ioctl(fd, TIOCGWINSZ, ws) != 0) {
      return 0;
    }
    return (ws[2] & 0xff) | (ws[3] & 0xff) << 8; // ws_col, little-endian on the hosts above
  }
}
