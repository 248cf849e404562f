package dev.strata.nshelper;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The helper's own arguments as a black box (issue 21): a malformed number or a value too long for
 * the buffer it is copied into is refused with one line naming the option and the value, before any
 * namespace exists, never cut short or read as 0 (which for {@code --parent-pid} turned the
 * parent-death check off).
 */
class HelperArgumentsTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // arguments after the job ({N}: N letters 'a') | the one line on stderr
        "enter --parent-pid 12x --uid-map 0:0:1 --gid-map 0:0:1 -- true"
            + "| --parent-pid 12x: expected a process id (a decimal number from 1 to 2147483647)",
        "enter --parent-pid abc --uid-map 0:0:1 --gid-map 0:0:1 -- true"
            + "| --parent-pid abc: expected a process id (a decimal number from 1 to 2147483647)",
        "run --parent-pid 0 --rootfs /nonexistent -- true"
            + "| --parent-pid 0: expected a process id (a decimal number from 1 to 2147483647)",
        "run --parent-pid -5 --rootfs /nonexistent -- true"
            + "| --parent-pid -5: expected a process id (a decimal number from 1 to 2147483647)",
        "run --parent-pid 99999999999 --rootfs /nonexistent -- true"
            + "| --parent-pid 99999999999: expected a process id (a decimal number from 1 to 2147483647)",
        "enter --uid-map 0:1000 --gid-map 0:0:1 -- true"
            + "| --uid-map 0:1000: expected INSIDE:OUTSIDE:COUNT",
        "enter --uid-map 0 --gid-map 0:0:1 -- true"
            + "| --uid-map 0: expected INSIDE:OUTSIDE:COUNT",
        "enter --uid-map 0:0:1 --gid-map 0:-1:1 -- true"
            + "| --gid-map 0:-1:1: expected INSIDE:OUTSIDE:COUNT, each a decimal id from 0 to 4294967295",
        "enter --uid-map 0:1000:1x --gid-map 0:0:1 -- true"
            + "| --uid-map 0:1000:1x: expected INSIDE:OUTSIDE:COUNT, each a decimal id from 0 to 4294967295",
        "enter --uid-map 0:1000:1:2 --gid-map 0:0:1 -- true"
            + "| --uid-map 0:1000:1:2: expected INSIDE:OUTSIDE:COUNT",
        "enter --uid-map 0:1000:0 --gid-map 0:0:1 -- true"
            + "| --uid-map 0:1000:0: COUNT must be at least 1 and the range must end by 4294967296",
        "enter --uid-map 4294967295:0:2 --gid-map 0:0:1 -- true"
            + "| --uid-map 4294967295:0:2: COUNT must be at least 1 and the range must end by 4294967296",
        "run --rootfs /nonexistent --workdir /{5000} -- true"
            + "| WORKDIR too long (5001 bytes, max 4095)",
        "run --rootfs /nonexistent --user {300}:0 -- true" + "| USER too long (300 bytes, max 255)",
        "run --rootfs /nonexistent -- {5000}" + "| PROGRAM too long (5000 bytes, max 4095)",
        "run --rootfs /nonexistent --mount tmpfs --mount-target /{5000} -- true"
            + "| --mount-target too long (5001 bytes, max 4095)",
        "enter --isolation chroot --uid-map 0:0:1 -- true"
            + "| enter --isolation chroot maps no ids: no --uid-map, --gid-map, --newuidmap or --newgidmap",
      })
  void refusesWithOneLine(String args, String message) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(HelperBinary.in(dir).path().toString());
    for (String a : args.strip().split(" ")) {
      cmd.add(expand(a));
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(NativeProtocol.Status.SETUP_FAILED.code, p.waitFor(), out);
    assertEquals("strata-nshelper: " + message.strip() + "\n", out);
  }

  private static final Pattern LETTERS = Pattern.compile("\\{(\\d+)\\}");

  /** {@code {N}} in an argument becomes N letters 'a'. */
  private static String expand(String arg) {
    Matcher m = LETTERS.matcher(arg);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, "a".repeat(Integer.parseInt(m.group(1))));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
