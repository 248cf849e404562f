package dev.strata.buildcache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The words a miss is explained with, from two sets of typed inputs and their listings. */
class InputsDiffTest {
  private static final String D1 = "1".repeat(64);
  private static final String D2 = "2".repeat(64);

  private static final String BEFORE =
      "source .\n"
          + "cmd 40755\n"
          + "cmd/main.go 100644 120 "
          + D1
          + "\n"
          + "my file.txt 100644 3 "
          + D1
          + "\n"
          + "link 120777 -> cmd/main.go\n";

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // a file's content and size changed
        "changed | cmd/main.go 100644 121 #D2 | 1 file changed: cmd/main.go (120 -> 121 bytes)",
        // same size, other content: just the name
        "same size | cmd/main.go 100644 120 #D2 | 1 file changed: cmd/main.go",
        // only the mode: named as such
        "mode | cmd/main.go 100755 120 #D1 | 1 file changed: cmd/main.go (mode or owner)",
      })
  void oneFileChanged(String name, String line, String expected) {
    String now =
        BEFORE.replace("cmd/main.go 100644 120 " + D1, line.replace("#D1", D1).replace("#D2", D2));
    assertEquals(expected, InputsDiff.files(BEFORE, now));
  }

  @Test
  void addedAndRemovedFilesAreNamedDirectoriesOnlyWhenNoFileChanged() {
    String now =
        BEFORE.replace("link 120777 -> cmd/main.go\n", "")
            + "new 40755\nnew/a.go 100644 1 "
            + D1
            + "\nnew/b.go 100644 1 "
            + D1
            + "\nnew/c.go 100644 1 "
            + D1
            + "\nnew/d.go 100644 1 "
            + D1
            + "\n";
    assertEquals(
        "4 files added: new/a.go, new/b.go, new/c.go, and 1 more; 1 file removed: link",
        InputsDiff.files(BEFORE, now));
    assertEquals("1 file added: sub", InputsDiff.files(BEFORE, BEFORE + "sub 40755\n"));
    // a path with spaces is read from the right end of its line
    assertEquals(
        "1 file changed: my file.txt (3 -> 4 bytes)",
        InputsDiff.files(BEFORE, BEFORE.replace("my file.txt 100644 3", "my file.txt 100644 4")));
  }

  @Test
  void argsAreNamedBeforeEnvAndOtherValuesAfterFiles() {
    KeyInputs a =
        KeyInputs.run(
            "",
            "/src",
            List.of("PATH=/bin", "VERSION=dev"),
            List.of("/bin/sh", "-c"),
            "default",
            "[]");
    KeyInputs b =
        KeyInputs.run(
            "app",
            "/src",
            List.of("PATH=/usr/bin", "VERSION=1.2.4"),
            List.of("/bin/sh", "-c"),
            "default",
            "[]");
    assertEquals(
        "ARG VERSION changed: dev -> 1.2.4; ENV PATH changed: /bin -> /usr/bin; USER changed: \"\" -> app",
        InputsDiff.of(a, b, null, null, "VERSION"::equals));
    assertEquals("", InputsDiff.of(a, a, null, null, n -> false));
  }

  @Test
  void filesWithoutListingsAreNamedByDigest() {
    KeyInputs a = KeyInputs.copy("", "/", "sha256:" + D1, List.of(), null);
    KeyInputs b = KeyInputs.copy("", "/", "sha256:" + D2, List.of(), null);
    assertEquals(
        "selected files changed: sha256:111111111111.. -> sha256:222222222222..",
        InputsDiff.of(a, b, null, null, n -> false));
  }
}
