package dev.strata.posix;

/** Well-formed UTF-8, byte by byte, for {@link FileNames}' decoding. */
final class Utf8Sequences {
  private Utf8Sequences() {}

  /**
   * The length of the well-formed UTF-8 sequence at {@code b[i]} (Unicode's table 3-7: no
   * overlongs, no surrogates, nothing above U+10FFFF), or 0 when there is none.
   */
  static int length(byte[] b, int i, int end) {
    int c = b[i] & 0xff;
    if (c < 0x80) {
      return 1;
    }
    int n;
    int lo = 0x80;
    int hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
      n = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 3;
      if (c == 0xe0) {
        lo = 0xa0;
      } else if (c == 0xed) {
        hi = 0x9f;
      }
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 4;
      if (c == 0xf0) {
        lo = 0x90;
      } else if (c == 0xf4) {
        hi = 0x8f;
      }
    } else {
      return 0;
    }
    if (i + n > end) {
      return 0;
    }
    int second = b[i + 1] & 0xff;
    if (second < lo || second > hi) {
      return 0;
    }
    for (int k = 2; k < n; k++) {
      int x = b[i + k] & 0xff;
      if (x < 0x80 || x > 0xbf) {
        return 0;
      }
    }
    return n;
  }
}
