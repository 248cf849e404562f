package dev.strata.nshelper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The helper's enter job as a black box, in the mapping this user gets and in single-id mode. */
class EnterTest {
  @TempDir Path dir;

  private String enter(IdMapping mapping, String... program) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
                UserNamespace.enterCommand(HelperBinary.in(dir), mapping, List.of(program)))
            .redirectErrorStream(true);
    pb.environment().put(UserNamespace.ENV_INSIDE, mapping.mode().word());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), "exit status of " + List.of(program) + "; output: " + out);
    return out;
  }

  @Test
  void callerIsRootInside() throws Exception {
    IdMapping m = UserNamespace.mappingFor(Optional.empty());
    String out = enter(m, "sh", "-c", "id -u; cat /proc/self/uid_map; echo $STRATA_NAMESPACE");
    String[] lines = out.split("\n");
    assertEquals("0", lines[0], out);
    assertEquals(m.mode().word(), lines[lines.length - 1], out);
  }

  @Test
  void singleIdModeMapsOnlyTheCaller() throws Exception {
    long[] ids = UserNamespace.callerIds();
    String out =
        enter(IdMapping.single(ids[0], ids[1]), "sh", "-c", "id -u; cat /proc/self/uid_map");
    String[] lines = out.trim().split("\n");
    assertEquals("0", lines[0]);
    assertEquals(2, lines.length, "one range only: " + out);
    assertTrue(lines[1].trim().matches("0\\s+" + ids[0] + "\\s+1"), out);
  }

  /**
   * newuidmap refusing (here: a range this user does not own, as a container user without ranges
   * gets) falls back to a single-id mapping, says so once, and tells the program by
   * STRATA_NAMESPACE (issue 19).
   */
  @Test
  void failingNewuidmapFallsBackToSingleId() throws Exception {
    long[] ids = UserNamespace.callerIds();
    IdMapping notOurs =
        IdMapping.subordinate(
            ids[0],
            ids[1],
            List.of(new IdMapping.Range(0, 3_000_000_000L, 1000)),
            List.of(new IdMapping.Range(0, 3_000_000_000L, 1000)));
    String out =
        enter(notOurs, "sh", "-c", "id -u; cat /proc/self/uid_map; echo ns=$STRATA_NAMESPACE");
    assertTrue(out.contains("newuidmap failed; falling back to a single-id mapping"), out);
    assertEquals(1, out.split("falling back", -1).length - 1, "said once: " + out);
    List<String> lines = List.of(out.split("\n"));
    assertTrue(lines.contains("0"), "id -u inside: " + out);
    assertTrue(
        lines.stream().anyMatch(l -> l.trim().matches("0\\s+" + ids[0] + "\\s+1")),
        "the single-id map: " + out);
    assertTrue(out.contains("ns=single"), out);
  }

  @Test
  void explainsWhenUserNamespacesAreDisabled() throws Exception {
    // user.max_user_namespaces is per user namespace: set to 0 in one, nesting is disabled there.
    String helper = HelperBinary.in(dir).path().toString();
    Process p =
        new ProcessBuilder(
                "unshare",
                "-Ur",
                "sh",
                "-c",
                "echo 0 > /proc/sys/user/max_user_namespaces && exec \"$0\" enter"
                    + " --uid-map 0:0:1 --gid-map 0:0:1 -- true",
                helper)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(NativeProtocol.Status.SETUP_FAILED.code, p.waitFor(), out);
    assertTrue(out.contains("cannot create a user namespace"), out);
    assertTrue(out.contains("sysctl -w user.max_user_namespaces="), out);
  }

  /**
   * {@code enter --isolation chroot} (real root that needs no user namespace: root with
   * CAP_SYS_ADMIN, here root of {@code unshare -Ur}): the same user namespace and ids, a mount
   * namespace of its own; anyone but root is refused.
   */
  @Test
  void asRootEntersOnlyAMountNamespace() throws Exception {
    String helper = HelperBinary.in(dir).path().toString();
    String script =
        "readlink /proc/self/ns/user /proc/self/ns/mnt"
            + " && exec \"$0\" enter --isolation chroot -- /bin/sh -c"
            + " 'readlink /proc/self/ns/user /proc/self/ns/mnt; id -u'";
    Process p =
        new ProcessBuilder("unshare", "-Ur", "sh", "-c", script, helper)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), out);
    String[] l = out.split("\n");
    assertEquals(5, l.length, out);
    assertEquals(l[0], l[2], "the same user namespace: " + out);
    assertTrue(
        l[1].startsWith("mnt:") && !l[1].equals(l[3]), "a mount namespace of its own: " + out);
    assertEquals("0", l[4], out);
    if (UserNamespace.callerIds()[0] == 0) {
      return; // the refusal is for anyone else
    }
    Process refused =
        new ProcessBuilder(helper, "enter", "--isolation", "chroot", "--", "true")
            .redirectErrorStream(true)
            .start();
    String err = new String(refused.getInputStream().readAllBytes());
    assertEquals(NativeProtocol.Status.SETUP_FAILED.code, refused.waitFor(), err);
    assertTrue(err.startsWith("strata-nshelper: enter --isolation chroot needs real root"), err);
  }
}
