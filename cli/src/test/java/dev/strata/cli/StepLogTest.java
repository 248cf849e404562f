package dev.strata.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StepLogTest {
  @Test
  void pastTheLimitTheOutputMovesToATempFileAndComesBackWhole() throws Exception {
    ByteArrayOutputStream want = new ByteArrayOutputStream();
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    long before = count(tmp);
    try (StepLog log = new StepLog(100)) {
      for (int i = 0; i < 50; i++) {
        byte[] b = ("line " + i + "\n").getBytes(UTF_8);
        log.append(b, 0, b.length);
        want.writeBytes(b);
        assertEquals(want.size() > 100, log.spilled(), "after " + want.size() + " bytes");
      }
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      log.writeTo(got);
      assertArrayEquals(want.toByteArray(), got.toByteArray());
      assertEquals(want.size(), log.size());
      assertTrue(log.endsWithNewline());
      assertEquals(before + 1, count(tmp));
    }
    assertEquals(before, count(tmp), "close deletes the temp file");
  }

  private static long count(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("strata-step")).count();
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // output (\\n \\r \\e written as such) | the live view's last line
        "one\\ntwo\\n | two",
        "one\\ntwo | two", // the line being written
        "10%\\r50%\\r | 50%", // a progress bar redraws with \r
        "\\e[32mgreen\\e[0m\\n | green", // colours are not drawn in the live view
        "a\\tb\\n | a b", // a tab is a space
        "'' | ''",
      })
  void lastLine(String output, String last) {
    byte[] b =
        output
            .replace("\\n", "\n")
            .replace("\\t", "\t")
            .replace("\\r", "\r")
            .replace("\\e", "\u001b")
            .getBytes(UTF_8);
    try (StepLog log = new StepLog(1 << 20)) {
      log.append(b, 0, b.length);
      assertEquals(last, log.lastLine());
      assertFalse(log.spilled());
    }
  }
}
