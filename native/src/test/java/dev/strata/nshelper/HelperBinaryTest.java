package dev.strata.nshelper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HelperBinaryTest {
  @TempDir Path dir;

  @Test
  void extractsOnceAndChecksTheDigest() throws Exception {
    HelperBinary first = HelperBinary.in(dir.resolve("nshelper"));
    assertTrue(Files.isExecutable(first.path()), "extracted helper is executable");
    long mtime = Files.getLastModifiedTime(first.path()).toMillis();

    HelperBinary again = HelperBinary.in(dir.resolve("nshelper"));
    assertEquals(first.path(), again.path());
    assertEquals(mtime, Files.getLastModifiedTime(again.path()).toMillis(), "not rewritten");
  }

  @Test
  void replacesADamagedCopy() throws Exception {
    HelperBinary first = HelperBinary.in(dir);
    String good = HelperBinary.sha256(first.path());
    Files.setPosixFilePermissions(
        first.path(), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    Files.write(first.path(), new byte[] {1, 2, 3});

    HelperBinary again = HelperBinary.in(dir);
    assertEquals(good, HelperBinary.sha256(again.path()));
  }

  @Test
  void helperSaysHowToUseItWithoutArguments() throws Exception {
    Process p =
        new ProcessBuilder(HelperBinary.in(dir).path().toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(NativeProtocol.Status.SETUP_FAILED.code, p.waitFor());
    assertTrue(out.contains("usage: strata-nshelper enter|run"), out);
  }
}
