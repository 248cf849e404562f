package dev.strata.solver;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.util.Locale;

/**
 * What an {@link IOException} means, in the words of strerror(3) as coreutils print them. Java's
 * file exceptions often carry only the path ({@code NoSuchFileException: /tmp/x}), so its message
 * alone would show a user a bare path; the cause is in the exception's type instead.
 */
public final class IoErrorText {
  private IoErrorText() {}

  /**
   * The cause alone, without the path: {@code permission denied}, {@code no space left on device}.
   */
  public static String reason(IOException e) {
    if (e instanceof FileSystemException f && f.getReason() != null && !f.getReason().isBlank()) {
      return lower(f.getReason());
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    } else if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    } else if (e instanceof FileAlreadyExistsException) {
      return "file exists";
    } else if (e instanceof NotDirectoryException) {
      return "not a directory";
    } else if (e instanceof DirectoryNotEmptyException) {
      return "directory not empty";
    } else if (e instanceof NotLinkException) {
      return "not a symbolic link";
    } else if (e instanceof FileSystemLoopException) {
      return "too many levels of symbolic links";
    } else if (e instanceof CharacterCodingException) {
      return "not UTF-8 text";
    } else if (e instanceof FileSystemException) {
      return "failed"; // no reason and a type of no meaning: the caller names the path
    }
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : lower(m);
  }

  /**
   * The path and the cause: {@code /tmp/x: permission denied}; the reason alone when no path is
   * known.
   */
  public static String describe(IOException e) {
    if (e instanceof FileSystemException f && f.getFile() != null) {
      String file =
          f.getOtherFile() == null ? f.getFile() : f.getFile() + " -> " + f.getOtherFile();
      return file + ": " + reason(e);
    }
    return reason(e);
  }

  /** Whether the device ran out of room (ENOSPC) or of quota (EDQUOT). */
  public static boolean isNoSpace(IOException e) {
    String r = reason(e);
    return r.equals("no space left on device") || r.equals("disk quota exceeded");
  }

  /**
   * The JDK's strerror text starts in capitals ("No space left on device"); messages here do not.
   * Only a text without a colon is such a one; a composed message keeps its case.
   */
  private static String lower(String s) {
    String t = s.strip().replace('\n', ' ');
    return t.length() > 1
            && t.indexOf(':') < 0
            && Character.isUpperCase(t.charAt(0))
            && Character.isLowerCase(t.charAt(1))
        ? t.substring(0, 1).toLowerCase(Locale.ROOT) + t.substring(1)
        : t;
  }
}
