package dev.strata.layer;

import dev.strata.layer.tar.Utf8Names;
import dev.strata.nshelper.JvmLocale;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The names of files found in a directory listing, as the text a tar entry or cache key holds. A
 * listed {@link Path} keeps the name's bytes, but its string is decoded in the JVM's file-name
 * charset with U+FFFD for what does not decode, and a path made from that string names another file
 * (or none). So a name whose string does not give its bytes back is refused here, naming the file
 * with its bytes, instead of failing later as "no such file" or being renamed in a layer.
 */
public final class FileNames {
  private FileNames() {}

  /**
   * The name of {@code listed} (from a directory listing) as text. {@code dirRel} is the listed
   * directory's path in the tree being walked ("" or "a/b/"), for the message.
   */
  public static String nameOf(Path listed, String dirRel) throws FileNameException {
    Path own = listed.getFileName();
    String name = own.toString();
    if (name.indexOf('\uFFFD') < 0 || roundTrips(own, name)) {
      return name; // no replacement char, or a real U+FFFD in the name
    }
    byte[] raw = lastComponent(rawBytes(listed.toAbsolutePath()));
    String dir = dirRel.isEmpty() || dirRel.endsWith("/") ? dirRel : dirRel + "/";
    String shown = "file \"" + dir + Utf8Names.escape(raw) + "\": name";
    if (Utf8Names.decode(raw, 0, raw.length).isPresent()) {
      throw new FileNameException(
          shown
              + " cannot be read in this JVM's file-name charset "
              + JvmLocale.fileNameCharset()
              + ": run Strata through bin/strata, or under a UTF-8 locale (LC_ALL="
              + JvmLocale.UTF8_LOCALE
              + ")");
    }
    throw new FileNameException(
        shown
            + " is not valid UTF-8 (Strata keeps file names as UTF-8"
            + " and refuses other bytes rather than rename the file)");
  }

  private static boolean roundTrips(Path own, String name) {
    try {
      return own.getFileSystem().getPath(name).equals(own); // UnixPath compares bytes
    } catch (InvalidPathException e) {
      return false;
    }
  }

  /**
   * The bytes of an absolute path: its file: URI percent-encodes them one by one (UnixUriUtils).
   */
  private static byte[] rawBytes(Path absolute) {
    String uri = absolute.toUri().getRawPath();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < uri.length(); i++) {
      char c = uri.charAt(i);
      if (c == '%' && i + 2 < uri.length()) {
        out.write(Integer.parseInt(uri.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
    byte[] b = out.toByteArray();
    int end = b.length;
    while (end > 1 && b[end - 1] == '/') {
      end--; // toUri adds '/' to a directory
    }
    return Arrays.copyOf(b, end);
  }

  private static byte[] lastComponent(byte[] path) {
    int slash = path.length - 1;
    while (slash >= 0 && path[slash] != '/') {
      slash--;
    }
    return Arrays.copyOfRange(path, slash + 1, path.length);
  }

  /** A file name Strata cannot carry as text; the message names the file, bytes escaped. */
  public static final class FileNameException extends IOException {
    FileNameException(String message) {
      super(message);
    }
  }
}
