package dev.strata.nshelper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PATH search of the helper's exec (runc's rules), as a black box: an empty PATH entry is the
 * working directory, and an entry too long to join with the name is skipped, never cut short into
 * another path. The rootfs holds only the static test tool, as /w/prog.
 */
class HelperExecTest {
  private static final Path TOOL =
      Path.of(System.getProperty("basedir", "."), "target", "test-tools", "refuse-syscalls");

  @TempDir Path dir;

  private String[] run(String path) throws Exception {
    assertTrue(Files.isExecutable(TOOL), TOOL + " is missing: the pom builds it from src/test/c");
    Path rootfs = dir.resolve("rootfs");
    Files.createDirectories(rootfs.resolve("w"));
    Files.copy(TOOL, rootfs.resolve("w/prog"));
    Path environ = Files.writeString(dir.resolve("environ"), "PATH=" + path + "\0");
    HelperBinary helper = HelperBinary.in(dir.resolve("helper"));
    List<String> run =
        List.of(
            helper.path().toString(),
            "run",
            "--rootfs",
            rootfs.toString(),
            "--workdir",
            "/w",
            "--environ",
            environ.toString(),
            "--",
            "prog",
            "--ids");
    Process p =
        new ProcessBuilder(
                UserNamespace.enterCommand(helper, UserNamespace.mappingFor(Optional.empty()), run))
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    return new String[] {Integer.toString(p.waitFor()), out, err};
  }

  @Test
  void anEmptyPathEntryIsTheWorkingDirectory() throws Exception {
    String[] r = run("/nonexistent::/bin");
    assertEquals("0", r[0], r[1] + r[2]);
    assertTrue(r[1].startsWith("uid=0 "), r[1] + r[2]);
  }

  @Test
  void aPathEntryTooLongIsSkippedNotCut() throws Exception {
    // "/w/" + 4090 "x" + "/prog" does not fit PATH_MAX: skipped, and the search goes on
    String[] r = run("/w/" + "x".repeat(4090) + ":/w");
    assertEquals("0", r[0], r[1] + r[2]);
    assertTrue(r[1].startsWith("uid=0 "), r[1] + r[2]);
  }
}
