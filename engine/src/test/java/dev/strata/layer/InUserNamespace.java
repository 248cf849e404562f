package dev.strata.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class of the test classpath in a child JVM under util-linux {@code unshare --user
 * --mount} with the given id mapping, as Strata itself runs inside the namespace helper's user
 * namespace: the way to test rootless behaviour (owners, overlay mounts) from a plain user.
 */
public final class InUserNamespace {
  private InUserNamespace() {}

  /** The child's output; fails the test when it exits non-zero. */
  public static String run(String mapping, Class<?> main, String... args) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of("unshare", "--user"));
    cmd.addAll(Arrays.asList(mapping.split(" ")));
    cmd.addAll(
        List.of(
            "--mount",
            java,
            "-Dstrata.fixtures="
                + System.getProperty("strata.fixtures", "/var/tmp/strata-fixtures"),
            "-cp",
            System.getProperty("java.class.path"),
            main.getName()));
    cmd.addAll(Arrays.asList(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("child JVM timed out: " + out);
    }
    assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed:\n" + out);
    return out;
  }
}
