package dev.strata.layer.tar;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The fields of a tar header block and of a PAX extended header, as bytes and numbers: octal and
 * GNU base-256 numbers, NUL-terminated names (the ustar prefix joined), {@code LEN KEY=VALUE\n}
 * records. What the fields mean, and the order of headers, is {@link TarReader}'s.
 */
final class TarFields {
  private TarFields() {}

  static Map<String, byte[]> parsePax(byte[] body) throws TarFormatException {
    Map<String, byte[]> out = new HashMap<>();
    int pos = 0;
    while (pos < body.length) {
      if (body[pos] == 0) {
        break;
      }
      int sp = pos;
      while (sp < body.length && body[sp] != ' ') {
        sp++;
      }
      int len;
      try {
        len = Integer.parseInt(new String(body, pos, sp - pos, StandardCharsets.US_ASCII));
      } catch (NumberFormatException e) {
        throw new TarFormatException("bad PAX record length");
      }
      int end = pos + len;
      if (len <= 0 || end > body.length || body[end - 1] != '\n') {
        throw new TarFormatException("bad PAX record");
      }
      int eq = sp + 1;
      while (eq < end && body[eq] != '=') {
        eq++;
      }
      if (eq >= end) {
        throw new TarFormatException("bad PAX record: no '='");
      }
      String key = new String(body, sp + 1, eq - sp - 1, StandardCharsets.UTF_8);
      byte[] value = Arrays.copyOfRange(body, eq + 1, end - 1);
      out.put(key, value);
      pos = end;
    }
    return out;
  }

  static byte[] headerNameBytes(byte[] h) {
    byte[] name = cBytes(h, 0, 100);
    boolean posixUstar = h[257] == 'u' && h[262] == 0 && h[263] == '0';
    if (posixUstar) {
      byte[] prefix = cBytes(h, 345, 155);
      if (prefix.length > 0) {
        byte[] both = Arrays.copyOf(prefix, prefix.length + 1 + name.length);
        both[prefix.length] = '/';
        System.arraycopy(name, 0, both, prefix.length + 1, name.length);
        return both;
      }
    }
    return name;
  }

  /** Octal (NUL/space terminated) or GNU base-256 (high bit of the first byte set). */
  static long number(byte[] h, int off, int len, String field) throws TarFormatException {
    if ((h[off] & 0x80) != 0) {
      long v = h[off] & 0x7f;
      if ((h[off] & 0x40) != 0) {
        throw new TarFormatException("negative base-256 " + field);
      }
      for (int i = 1; i < len; i++) {
        if (v > (Long.MAX_VALUE >> 8)) {
          throw new TarFormatException("base-256 " + field + " overflows");
        }
        v = (v << 8) | (h[off + i] & 0xff);
      }
      return v;
    }
    long v = 0;
    int i = off;
    int end = off + len;
    while (i < end && (h[i] == ' ' || h[i] == 0)) {
      i++;
    }
    for (; i < end; i++) {
      byte b = h[i];
      if (b == 0 || b == ' ') {
        break;
      }
      if (b < '0' || b > '7') {
        throw new TarFormatException("bad octal number in tar " + field + " field");
      }
      v = (v << 3) | (b - '0');
    }
    return v;
  }

  static byte[] cBytes(byte[] h, int off, int len) {
    int end = off;
    while (end < off + len && h[end] != 0) {
      end++;
    }
    return Arrays.copyOfRange(h, off, end);
  }

  static byte[] cBytes(byte[] b) {
    return cBytes(b, 0, b.length);
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  static boolean isZero(byte[] h) {
    for (byte b : h) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }
}
