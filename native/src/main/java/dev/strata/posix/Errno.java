package dev.strata.posix;

/** The few Linux errno values callers branch on. */
public final class Errno {
  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int EACCES = 13;
  public static final int EEXIST = 17;
  public static final int EINVAL = 22;
  public static final int EXDEV = 18;
  public static final int ENOTDIR = 20;
  public static final int ENOTTY = 25;
  public static final int ENOSYS = 38;
  public static final int ELOOP = 40;
  public static final int ENODATA = 61;
  public static final int ENOTSUP = 95;
  public static final int ERANGE = 34;

  private Errno() {}

  static String name(int errno) {
    return switch (errno) {
      case EPERM -> "EPERM";
      case ENOENT -> "ENOENT";
      case EACCES -> "EACCES";
      case EEXIST -> "EEXIST";
      case EINVAL -> "EINVAL";
      case EXDEV -> "EXDEV";
      case ENOTDIR -> "ENOTDIR";
      case ENOTTY -> "ENOTTY";
      case ENOSYS -> "ENOSYS";
      case ELOOP -> "ELOOP";
      case ENODATA -> "ENODATA";
      case ENOTSUP -> "ENOTSUP";
      case ERANGE -> "ERANGE";
      default -> "errno " + errno;
    };
  }
}
