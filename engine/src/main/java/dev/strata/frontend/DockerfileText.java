package dev.strata.frontend;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A Dockerfile's bytes as text. It must be UTF-8 (BuildKit reads it as Go strings, which are UTF-8
 * by convention) and hold no NUL byte: no argument or environment string that reaches {@code
 * execve} can carry one, so a NUL could only fail later, far from the line that holds it. A fault
 * is named by line, column and byte offset, not by the decoder's {@code Input length = 1}.
 */
final class DockerfileText {
  private DockerfileText() {}

  /** The text of {@code bytes}; {@code displayName} names the file in the error. */
  static String decode(String displayName, byte[] bytes) throws DockerfileException {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult r = decoder.decode(in, out, true);
    if (r.isError()) {
      int at = in.position();
      throw fault(
          displayName,
          bytes,
          at,
          String.format(
              Locale.ROOT,
              "not UTF-8 text at byte %d (0x%02x); save the Dockerfile as UTF-8",
              at,
              bytes[at] & 0xff));
    }
    decoder.flush(out);
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == 0) {
        throw fault(displayName, bytes, i, "NUL byte at byte " + i + " (a Dockerfile is text)");
      }
    }
    return out.flip().toString();
  }

  /** The error at byte {@code at}: its 1-based line and column (in characters) come first. */
  private static DockerfileException fault(
      String displayName, byte[] bytes, int at, String reason) {
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i < at; i++) {
      if (bytes[i] == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    // Columns count characters: the bytes before the fault on its line are valid UTF-8.
    int column = new String(bytes, lineStart, at - lineStart, StandardCharsets.UTF_8).length() + 1;
    return new DockerfileException(displayName, line, column, reason, null);
  }
}
