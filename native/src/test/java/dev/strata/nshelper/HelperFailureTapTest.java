package dev.strata.nshelper;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one line a failed RUN gives names the helper's reason, not only "exit status 125" (issue 18:
 * an unknown USER), and a command's own failure stays "exit status N".
 */
class HelperFailureTapTest {
  private static final Path TOOL =
      Path.of(System.getProperty("basedir", "."), "target", "test-tools", "refuse-syscalls");

  @TempDir Path dir;

  private static String describe(String output, int code) throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    HelperFailureTap tap = new HelperFailureTap(sink);
    byte[] b = output.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < b.length; i += 3) { // in pieces, as a pipe delivers them
      tap.write(b, i, Math.min(3, b.length - i));
    }
    assertEquals(output, sink.toString(StandardCharsets.UTF_8), "everything passes on");
    return tap.describe(code);
  }

  @Test
  void aHelperStatusAfterItsMessageGivesTheMessage() throws Exception {
    assertEquals(
        "unable to find user u: no such entry (exit status 125)",
        describe("out\nstrata-nshelper: unable to find user u: no such entry\n", 125));
    // the last message counts, even without its newline
    assertEquals(
        "second (exit status 127)",
        describe("strata-nshelper: first\nstrata-nshelper: second", 127));
  }

  @Test
  void aCommandsOwnFailureIsItsStatus() throws Exception {
    // exit 125 of the command itself: no message of the helper's
    assertEquals("exit status 125", describe("some output\n", 125));
    // a message-like line but a status the helper never uses
    assertEquals("exit status 3", describe("strata-nshelper: looks like one\n", 3));
    // the prefix only at the start of a line
    assertEquals("exit status 125", describe("echo strata-nshelper: x\n", 125));
  }

  @Test
  void anUnknownUserIsNamedWithItsCause() throws Exception {
    Path rootfs = dir.resolve("rootfs");
    Files.createDirectories(rootfs.resolve("bin"));
    Files.createDirectories(rootfs.resolve("etc"));
    Files.copy(TOOL, rootfs.resolve("bin/t"));
    Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
    Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\n");
    HelperBinary helper = HelperBinary.in(dir.resolve("helper"));
    List<String> run =
        List.of(
            helper.path().toString(),
            "run",
            "--rootfs",
            rootfs.toString(),
            "--user",
            "nosuchuser",
            "--",
            "/bin/t",
            "--ids");
    Process p =
        new ProcessBuilder(
                UserNamespace.enterCommand(helper, UserNamespace.mappingFor(Optional.empty()), run))
            .redirectErrorStream(true)
            .start();
    HelperFailureTap tap = new HelperFailureTap(new ByteArrayOutputStream());
    p.getInputStream().transferTo(tap);
    int code = p.waitFor();
    assertEquals(
        "unable to find user nosuchuser: no matching entries in the rootfs's /etc/passwd"
            + " (exit status 125)",
        tap.describe(code));
  }
}
