package dev.strata.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A Dockerfile's bytes as text, table-driven: each row is the bytes (text, with {@code <hex>} for
 * raw bytes) and the text they decode to, or {@code !} and the one-line error.
 */
class DockerfileTextTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
      # ASCII is UTF-8
      FROM a<0a>RUN b<0a>                 | FROM a\\nRUN b\\n
      # two-byte é and three-byte €
      FROM a<0a>RUN echo <c3a9e282ac><0a> | FROM a\\nRUN echo é€\\n
      # a BOM is valid UTF-8; the parser drops it as BuildKit does
      <efbbbf>FROM a<0a>                  | \uFEFFFROM a\\n
      # Latin-1 é: the first byte of the file
      <e9>                                | !Dockerfile:1:1: not UTF-8 text at byte 0 (0xe9); save the Dockerfile as UTF-8
      # Latin-1 in line 2: byte offset counts from the file's start, column from the line's
      FROM a<0a>RUN caf<e9><0a>           | !Dockerfile:2:8: not UTF-8 text at byte 14 (0xe9); save the Dockerfile as UTF-8
      # the column counts characters: é before the fault is one
      A<c3a9ff>                           | !Dockerfile:1:3: not UTF-8 text at byte 3 (0xff); save the Dockerfile as UTF-8
      # a lead byte whose continuation is missing
      A<c328>                             | !Dockerfile:1:2: not UTF-8 text at byte 1 (0xc3); save the Dockerfile as UTF-8
      # a sequence cut off by the end of the file
      A<e282>                             | !Dockerfile:1:2: not UTF-8 text at byte 1 (0xe2); save the Dockerfile as UTF-8
      # an overlong encoding of / (a classic filter bypass)
      A<c0af>                             | !Dockerfile:1:2: not UTF-8 text at byte 1 (0xc0); save the Dockerfile as UTF-8
      # a UTF-16 surrogate encoded in UTF-8 (CESU-8) is not UTF-8
      A<eda080>                           | !Dockerfile:1:2: not UTF-8 text at byte 1 (0xed); save the Dockerfile as UTF-8
      # UTF-16 with its BOM: not UTF-8 at byte 0
      <fffe>F<00>                         | !Dockerfile:1:1: not UTF-8 text at byte 0 (0xff); save the Dockerfile as UTF-8
      # NUL, valid UTF-8 but never passable to exec
      FROM a<0a0a>RUN a<00>b              | !Dockerfile:3:6: NUL byte at byte 13 (a Dockerfile is text)
      """)
  void decodes(String written, String expected) throws Exception {
    byte[] bytes = bytes(written);
    if (expected.startsWith("!")) {
      DockerfileException e =
          assertThrows(DockerfileException.class, () -> DockerfileText.decode("Dockerfile", bytes));
      assertEquals(expected.substring(1), e.getMessage());
    } else {
      assertEquals(expected.replace("\\n", "\n"), DockerfileText.decode("Dockerfile", bytes));
    }
  }

  /** {@code a<0a>b}: text as UTF-8, each {@code <hex>} as its bytes. */
  private static byte[] bytes(String written) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (i < written.length()) {
      int lt = written.indexOf('<', i);
      if (lt < 0) {
        lt = written.length();
      }
      out.writeBytes(written.substring(i, lt).getBytes(StandardCharsets.UTF_8));
      if (lt == written.length()) {
        break;
      }
      int gt = written.indexOf('>', lt);
      out.writeBytes(HexFormat.of().parseHex(written.substring(lt + 1, gt)));
      i = gt + 1;
    }
    return out.toByteArray();
  }
}
