package dev.strata.layer.tar;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * File names as bytes and as text. A name on disk or in a tar header is bytes; Strata keeps names
 * as Java strings, decoded as UTF-8 (PAX says path and linkpath are UTF-8; ustar names are bytes,
 * UTF-8 in practice). Bytes that are not UTF-8 have no string that gives them back, so they are
 * refused by name ({@link #escape}) rather than silently turned into U+FFFD, which would rename the
 * file and could make two entries one.
 */
public final class Utf8Names {
  private Utf8Names() {}

  /** {@code b[off, off + len)} as text, or empty when the bytes are not UTF-8. */
  public static Optional<String> decode(byte[] b, int off, int len) {
    String s = new String(b, off, len, StandardCharsets.UTF_8);
    if (s.indexOf('\uFFFD') < 0) {
      return Optional.of(s); // the common case: no replacement, so the bytes were UTF-8
    }
    try {
      return Optional.of(strict().decode(ByteBuffer.wrap(b, off, len)).toString());
    } catch (CharacterCodingException e) {
      return Optional.empty(); // a real U+FFFD in the name decodes; a bad byte does not
    }
  }

  /** The name for a message: UTF-8 sequences as they are, any other byte as {@code \xNN}. */
  public static String escape(byte[] b) {
    CharsetDecoder d = strict();
    ByteBuffer in = ByteBuffer.wrap(b);
    CharBuffer out = CharBuffer.allocate(b.length);
    StringBuilder s = new StringBuilder();
    while (true) {
      CoderResult r = d.decode(in, out, true);
      out.flip();
      s.append(out);
      out.clear();
      if (r.isError()) {
        for (int i = 0; i < r.length(); i++) {
          s.append(String.format("\\x%02x", in.get() & 0xff));
        }
      } else if (r.isUnderflow()) {
        return s.toString();
      }
    }
  }

  private static CharsetDecoder strict() {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
  }
}
