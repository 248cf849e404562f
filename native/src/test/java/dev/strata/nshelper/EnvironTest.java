package dev.strata.nshelper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * protocol.h {@code --environ} as a black box: the helper refuses a malformed environment file
 * before it creates any namespace, with one line that names the entry by number and never shows a
 * value (an entry may be a secret); {@link EnvironPipe} writes the form the helper reads.
 */
class EnvironTest {
  @TempDir Path dir;

  /**
   * Runs {@code run --rootfs DIR --environ FILE -- true}; parsing fails before the rootfs matters.
   */
  private String[] refused(byte[] content) throws Exception {
    Path file = dir.resolve("environ");
    Files.write(file, content);
    Process p =
        new ProcessBuilder(
                HelperBinary.in(dir).path().toString(),
                NativeProtocol.Job.RUN.word,
                NativeProtocol.Option.ROOTFS.flag,
                dir.toString(),
                NativeProtocol.Option.ENVIRON.flag,
                file.toString(),
                NativeProtocol.END_OF_OPTIONS,
                "true")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new String[] {Integer.toString(p.waitFor()), out};
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // what the file holds (\0 is a NUL byte) | what the one line of error says
        "SECRET=s3cr3t\\0no-equals-s3cr3t\\0  | entry 2 is not KEY=VALUE",
        "=s3cr3t\\0                          | entry 1 is not KEY=VALUE",
        "A=1\\0B=s3cr3t                      | entry 2 is not ended by a NUL byte",
        "A=1\\0\\0                           | entry 2 is not KEY=VALUE",
      })
  void malformedEnvironIsRefusedNamingTheEntryNotItsValue(String content, String message)
      throws Exception {
    String[] r = refused(content.strip().replace("\\0", "\0").getBytes(StandardCharsets.UTF_8));
    assertEquals(Integer.toString(NativeProtocol.Status.SETUP_FAILED.code), r[0], r[1]);
    assertTrue(r[1].startsWith("strata-nshelper: --environ "), r[1]);
    assertTrue(r[1].contains(message), r[1]);
    assertEquals(1, r[1].strip().lines().count(), "one line: " + r[1]);
    assertFalse(r[1].contains("s3cr3t"), "no value in the message: " + r[1]);
  }

  @Test
  void tooManyEntriesAreRefused() throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i <= 4096; i++) {
      sb.append("V").append(i).append("=x\0");
    }
    String[] r = refused(sb.toString().getBytes(StandardCharsets.UTF_8));
    assertEquals("125", r[0], r[1]);
    assertTrue(r[1].contains("more than 4096 entries"), r[1]);
  }

  @Test
  void givenTwiceIsRefused() throws Exception {
    Path file = dir.resolve("e");
    Files.write(file, new byte[0]);
    Process p =
        new ProcessBuilder(
                HelperBinary.in(dir).path().toString(),
                "run",
                "--environ",
                file.toString(),
                "--environ",
                file.toString(),
                "--",
                "true")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(125, p.waitFor(), out);
    assertTrue(out.contains("--environ given twice"), out);
  }

  @Test
  void pipeYieldsTheEncodedEnvironmentOnce() throws Exception {
    try (EnvironPipe pipe = EnvironPipe.open(List.of("A=1", "B=x=y", "EMPTY="))) {
      assertEquals("A=1\0B=x=y\0EMPTY=\0", Files.readString(pipe.path()));
    }
  }

  @Test
  void pipeNobodyReadIsReleasedAndRemoved() throws Exception {
    EnvironPipe pipe = EnvironPipe.open(List.of("BIG=" + "x".repeat(1 << 20)));
    Path p = pipe.path();
    pipe.close(); // must not hang on a writer waiting for a reader
    assertFalse(Files.exists(p));
    assertFalse(Files.exists(p.getParent()));
  }

  @Test
  void entriesThatCannotTravelAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> EnvironPipe.encode(List.of("NOEQUALS")));
    assertThrows(IllegalArgumentException.class, () -> EnvironPipe.encode(List.of("A=b\0c")));
  }
}
