package dev.strata.cli;

import static dev.strata.cli.StrataProcess.busyboxStore;
import static dev.strata.cli.StrataProcess.context;
import static dev.strata.cli.StrataProcess.strata;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.oci.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The isolation ladder (issue 19) as the unprivileged test user sees it: the rung chosen once,
 * said in the progress output and --stats-json; a forced chroot rung, which needs root, refused in
 * one line naming the way out. The rows inside real containers (root without user namespaces, the
 * chroot rung) are scripts/container-test's, run as root by scripts/test.
 */
class IsolationIT {
  @TempDir Path dir;

  @AfterEach
  void clean() throws Exception {
    StrataProcess.removeContents(dir);
  }

  @Test
  void theRungIsSaidInTheProgressAndTheStats() throws Exception {
    Path store = busyboxStore(dir);
    Path ctx = context(dir, "FROM busybox\nRUN echo hi > /hi\n", Map.of());
    Path stats = dir.resolve("stats.json");
    StrataProcess.Result r =
        strata(store, "build", "--progress", "plain", "--stats-json", stats.toString(), ctx.toString()).ok();
    JsonNode json = Json.parse(Files.readAllBytes(stats));
    String words = json.path("isolation").asText();
    assertTrue(words.startsWith("userns ("), "an unprivileged user with user namespaces: " + words);
    List<String> said = r.err().lines().filter(l -> l.startsWith("--> isolation: ")).toList();
    assertEquals(List.of("--> isolation: " + words), said, "said once: " + r.err());
    assertTrue(json.has("steps"), "the other fields stay: " + json);
  }

  @Test
  void forcedSingleIdMappingIsSaid() throws Exception {
    Path store = busyboxStore(dir);
    Path ctx = context(dir, "FROM busybox\nRUN id -u > /id\n", Map.of());
    StrataProcess.Result r =
        strata(store, "build", "--progress", "plain", "--id-mapping", "single", ctx.toString()).ok();
    assertTrue(r.err().contains("--> isolation: userns (single-id mapping)"), r.err());
  }

  @Test
  void chrootNeedsRootAndSaysSo() throws Exception {
    Path store = busyboxStore(dir);
    Path ctx = context(dir, "FROM busybox\nRUN true\n", Map.of());
    StrataProcess.Result r =
        strata(store, "build", "--progress", "plain", "--isolation", "chroot", "--no-cache", ctx.toString());
    assertNotEquals(0, r.exit(), r.err());
    List<String> errors = r.err().lines().filter(l -> l.startsWith("Error:")).toList();
    assertEquals(
        List.of("Error: --isolation chroot needs root (real ownership, chroot(2)); this is uid "
            + uid() + "; use --isolation userns"),
        errors, r.err());
    StrataProcess.Result run = strata(store, "run", "--isolation", "chroot", "busybox", "true");
    assertNotEquals(0, run.exit(), run.err());
    assertTrue(run.err().contains("Error: --isolation chroot needs root"), run.err());
  }

  @Test
  void anUnknownRungIsAUsageError() throws Exception {
    Path store = busyboxStore(dir);
    Path ctx = context(dir, "FROM busybox\n", Map.of());
    StrataProcess.Result r = strata(store, "build", "--isolation", "jail", ctx.toString());
    assertNotEquals(0, r.exit(), r.err());
    assertTrue(r.err().contains("--isolation jail: expected auto, userns or chroot"), r.err());
  }

  private static String uid() throws Exception {
    return Files.readAllLines(Path.of("/proc/self/status")).stream()
        .filter(l -> l.startsWith("Uid:"))
        .map(l -> l.substring(4).trim().split("\\s+")[0])
        .findFirst()
        .orElseThrow();
  }
}
