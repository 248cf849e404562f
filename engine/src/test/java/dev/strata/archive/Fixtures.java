package dev.strata.archive;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test fixtures made by scripts/fixtures (scripts/test makes them); absent means fail, not skip.
 */
final class Fixtures {
  private Fixtures() {}

  static Path busyboxTar() {
    Path dir = Path.of(System.getProperty("strata.fixtures", "/var/tmp/strata-fixtures"));
    Path tar = dir.resolve("busybox.tar");
    if (!Files.isRegularFile(tar)) {
      fail(
          "fixture missing: "
              + tar
              + " (make it with scripts/fixtures/make-busybox.sh "
              + dir
              + ")");
    }
    return tar;
  }
}
