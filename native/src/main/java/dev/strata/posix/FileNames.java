package dev.strata.posix;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * File names are bytes; Strata holds them as Java strings, losslessly. Bytes that are UTF-8 decode
 * as usual (so a UTF-8 name is the string it always was, and keys and digests made of it do not
 * change); every byte of a sequence that is not UTF-8 becomes a lone surrogate U+DC80..U+DCFF, and
 * back, as Python's {@code surrogateescape} does for {@code os.fsdecode}. A Latin-1 {@code caf\xe9}
 * is then {@code "caf\uDCE9"}: carried through tar headers, paths and keys unchanged.
 *
 * <p>The JDK's {@link Path} on Linux keeps the bytes it got from the kernel and makes every call
 * with them; only {@code Path.of(String)} and {@code toString()} go through the charset of the
 * locale the JVM started under, which fails or replaces such bytes. So paths are made and read
 * here: a name with escapes goes through a {@code file:} URI, whose percent escapes the JDK maps to
 * and from the path's bytes one by one (public API, no module opened, whatever the locale).
 */
public final class FileNames {
  private static final char ESCAPE_LOW = '\uDC80';
  private static final char ESCAPE_HIGH = '\uDCFF';
  private static final Path SLASH = Path.of("/");

  /** Whether this JVM's file-name charset is UTF-8: then a path's string is its bytes, decoded. */
  private static final boolean UTF8_JNU = utf8Jnu();

  private FileNames() {}

  private static boolean utf8Jnu() {
    String name = System.getProperty("sun.jnu.encoding");
    try {
      return name != null && Charset.forName(name).equals(StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** {@code b} as text: UTF-8 decoded, each byte of an invalid sequence as U+DC80..U+DCFF. */
  public static String decode(byte[] b) {
    return decode(b, 0, b.length);
  }

  /** {@code b[off, off + len)} as text (see {@link #decode(byte[])}). */
  public static String decode(byte[] b, int off, int len) {
    int end = off + len;
    int i = off;
    while (i < end && b[i] >= 0) {
      i++;
    }
    if (i == end) {
      return new String(b, off, len, StandardCharsets.ISO_8859_1); // ASCII, the common case
    }
    StringBuilder s = new StringBuilder(len);
    s.append(new String(b, off, i - off, StandardCharsets.ISO_8859_1));
    while (i < end) {
      int c = b[i] & 0xff;
      int n = Utf8Sequences.length(b, i, end);
      if (n == 0) {
        s.append((char) (ESCAPE_LOW + (c - 0x80)));
        i++;
      } else {
        s.append(new String(b, i, n, StandardCharsets.UTF_8));
        i += n;
      }
    }
    return s.toString();
  }

  /**
   * The bytes of the text {@code s}: each U+DC80..U+DCFF as its byte, the rest as UTF-8. For a
   * string with no such char this is exactly {@code s.getBytes(UTF_8)} (any other lone surrogate,
   * which no name decodes to, becomes '?' as there).
   */
  public static byte[] encode(String s) {
    if (!hasEscapes(s)) {
      return s.getBytes(StandardCharsets.UTF_8);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() + 8);
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      if (isEscapeAt(s, i)) {
        out.writeBytes(s.substring(start, i).getBytes(StandardCharsets.UTF_8));
        out.write(s.charAt(i) - ESCAPE_LOW + 0x80);
        start = i + 1;
      }
    }
    out.writeBytes(s.substring(start).getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  /** Whether {@code s} holds a byte that is not UTF-8 (an escape). */
  public static boolean hasEscapes(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (isEscapeAt(s, i)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the bytes of {@code s} are UTF-8 (it holds no escape). */
  public static boolean isUtf8(String s) {
    return !hasEscapes(s);
  }

  /**
   * Whether {@code s.charAt(i)} is an escaped byte: in U+DC80..U+DCFF and not the low half of a
   * surrogate pair (U+10080 is D800 DC80). Decoding makes a high surrogate only as the first half
   * of a pair, so the two never meet otherwise.
   */
  private static boolean isEscapeAt(String s, int i) {
    char c = s.charAt(i);
    return c >= ESCAPE_LOW
        && c <= ESCAPE_HIGH
        && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
  }

  /** {@code s} for a message or a log line: each byte that is not UTF-8 as {@code \xNN}. */
  public static String display(String s) {
    if (!hasEscapes(s)) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (isEscapeAt(s, i)) {
        out.append(String.format("\\x%02x", c - ESCAPE_LOW + 0x80));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** The name of the last component of {@code p} (as from a directory listing) as text. */
  public static String name(Path p) {
    Path own = p.getFileName();
    return own == null ? "" : text(own);
  }

  /** The whole path {@code p} as text, giving its bytes back through {@link #path}. */
  public static String text(Path p) {
    String s = p.toString();
    if (isAscii(s) || (UTF8_JNU && s.indexOf('\uFFFD') < 0)) {
      return s; // the string decoded every byte: it is the text
    }
    return decode(bytes(p));
  }

  /** The exact bytes of {@code p}, as the kernel gets them. */
  public static byte[] bytes(Path p) {
    String s = p.toString();
    if (isAscii(s) || (UTF8_JNU && s.indexOf('\uFFFD') < 0)) {
      return s.getBytes(StandardCharsets.UTF_8);
    }
    // UnixUriUtils.toUri percent-encodes each byte of the absolute path that is not plain ASCII.
    // A relative path is put under "/" first, so that the working directory plays no part.
    String raw = (p.isAbsolute() ? p : SLASH.resolve(p)).toUri().getRawPath();
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
    for (int i = p.isAbsolute() ? 0 : 1; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        out.write(Integer.parseInt(raw, i + 1, i + 3, 16));
        i += 2;
      } else {
        out.write(c);
      }
    }
    byte[] b = out.toByteArray();
    int len = b.length;
    while (len > 1 && b[len - 1] == '/') {
      len--; // toUri adds a '/' to a directory
    }
    return len == b.length ? b : Arrays.copyOf(b, len);
  }

  /** {@link #bytes} with a NUL after them, as a C string for a native call. */
  public static byte[] cString(Path p) {
    // Every Posix call makes one: an ASCII path (nearly all) in one pass and one array.
    String s = p.toString();
    byte[] c = new byte[s.length() + 1];
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch >= 0x80) {
        byte[] b = bytes(p);
        return Arrays.copyOf(b, b.length + 1);
      }
      c[i] = (byte) ch;
    }
    return c;
  }

  /** {@code s} as a C string. */
  public static byte[] cString(String s) {
    byte[] b = encode(s);
    return Arrays.copyOf(b, b.length + 1);
  }

  /** The path whose bytes are those of the text {@code s}: {@code Path.of(s)} for any name. */
  public static Path path(String s) {
    if (s.isEmpty() || !needsBytes(s)) {
      return Path.of(s);
    }
    Path abs = fromBytes(encode(s.startsWith("/") ? s : "/" + s));
    // subpath keeps the names as they are; relativize would normalize "../x" away
    return s.startsWith("/") ? abs : abs.subpath(0, abs.getNameCount());
  }

  /**
   * {@code dir.resolve(rel)} for any text {@code rel} (one name or several joined by '/'): the
   * plain resolve when the charset can carry it, else a path made of its bytes.
   */
  public static Path resolve(Path dir, String rel) {
    if (rel.isEmpty() || !needsBytes(rel)) {
      return dir.resolve(rel);
    }
    return dir.resolve(path(rel));
  }

  private static boolean needsBytes(String s) {
    return UTF8_JNU ? hasEscapes(s) : !isAscii(s);
  }

  /**
   * An absolute path of exactly {@code abs}'s bytes: UnixUriUtils.fromUri takes them one by one.
   */
  private static Path fromBytes(byte[] abs) {
    StringBuilder uri = new StringBuilder("file://");
    for (byte x : abs) {
      int c = x & 0xff;
      if (c == '/' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        uri.append((char) c);
      } else {
        uri.append('%')
            .append(Character.forDigit(c >> 4, 16))
            .append(Character.forDigit(c & 15, 16));
      }
    }
    return Path.of(URI.create(uri.toString()));
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }
}
