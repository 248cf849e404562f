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
 * The isolation ladder (issue 19) as the unprivileged test user sees it: the rung chosen once, said
 * in the progress output and --stats-json; a forced chroot rung, which needs root, refused in one
 * line naming the way out. The rows inside real containers (root without user namespaces, the
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
        strata(
                store,
                "build",
                "--progress",
                "plain",
                "--stats-json",
                stats.toString(),
                ctx.toString())
            .ok();
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
        strata(store, "build", "--progress", "plain", "--id-mapping", "single", ctx.toString())
            .ok();
    assertTrue(r.err().contains("--> isolation: userns (single-id mapping)"), r.err());
  }

  @Test
  void chrootNeedsRootAndSaysSo() throws Exception {
    Path store = busyboxStore(dir);
    Path ctx = context(dir, "FROM busybox\nRUN true\n", Map.of());
    StrataProcess.Result r =
        strata(
            store,
            "build",
            "--progress",
            "plain",
            "--isolation",
            "chroot",
            "--no-cache",
            ctx.toString());
    assertNotEquals(0, r.exit(), r.err());
    List<String> errors = r.err().lines().filter(l -> l.startsWith("Error:")).toList();
    assertEquals(
        List.of(
            "Error: --isolation chroot needs root (real ownership, chroot(2)); this is uid "
                + uid()
                + "; use --isolation userns"),
        errors,
        r.err());
    StrataProcess.Result run = strata(store, "run", "--isolation", "chroot", "busybox", "true");
    assertNotEquals(0, run.exit(), run.err());
    assertTrue(run.err().contains("Error: --isolation chroot needs root"), run.err());
  }

  /**
   * Root with CAP_SYS_ADMIN needs no user namespace (issue 19): as uid 0 of a user namespace of its
   * own ({@code unshare -Ur}, where root holds every capability over the namespaces it makes, as
   * root of a privileged container does) the userns rung runs its steps in mount, PID, IPC and UTS
   * namespaces made directly, in the caller's user namespace; {@code unshare} runs its command as
   * it is and {@code prune} deletes unpacked layers itself, where entering a user namespace with
   * the identity mapping would be refused (a user namespace maps only ids of its parent's map).
   */
  @Test
  void rootWithSysAdminNeedsNoUserNamespace() throws Exception {
    StrataProcess.requireTool("unshare", "util-linux");
    Path store = busyboxStore(dir);
    Path ctx =
        context(
            dir,
            "FROM busybox\nRUN echo \"ns=$(readlink /proc/self/ns/user)\""
                + " && ls /proc/1 >/dev/null && echo \"host=$(hostname)\"\n",
            Map.of());
    Path stats = dir.resolve("stats.json");
    String script =
        "echo \"outside=$(readlink /proc/self/ns/user)\""
            + " && \"$1\" --root \"$2\" build --progress plain --stats-json \"$3\" -t t \"$4\""
            + " && \"$1\" --root \"$2\" unshare -- id -u"
            + " && \"$1\" --root \"$2\" rmi t busybox && \"$1\" --root \"$2\" prune";
    String bin = StrataProcess.bin().toAbsolutePath().toString();
    StrataProcess.Result r =
        StrataProcess.run(
                List.of(
                    "unshare",
                    "-Ur",
                    "sh",
                    "-c",
                    script,
                    "sh",
                    bin,
                    store.toString(),
                    stats.toString(),
                    ctx.toString()),
                Map.of())
            .ok();
    assertEquals(
        "userns (root with CAP_SYS_ADMIN: no user namespace needed)",
        Json.parse(Files.readAllBytes(stats)).path("isolation").asText(),
        r.err());
    String outside =
        r.out().lines().filter(l -> l.startsWith("outside=")).findFirst().orElseThrow();
    assertTrue(
        r.err().contains("] ns=" + outside.substring("outside=".length()) + "\n"),
        "the step ran in the caller's user namespace (" + outside + "): " + r.err());
    assertTrue(r.err().contains("] host=strata\n"), "its own UTS namespace: " + r.err());
    assertTrue(
        r.err()
            .contains(
                "strata unshare: as root no user namespace is needed (the store's"
                    + " files carry real ids): running id directly\n"),
        r.err());
    assertTrue(r.out().contains("\n0\n"), "unshare ran id as root: " + r.out());
    assertTrue(r.out().matches("(?s).*Removed [1-9][0-9]* unpacked layers.*"), "prune: " + r.out());
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
