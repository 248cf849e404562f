package dev.strata.nshelper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * USER through the rootfs's /etc/passwd and /etc/group, read whole (issue 21): a line longer than
 * any buffer is one entry, never read as two (the rest of a long GECOS field would have been taken
 * for an entry of its own), and a member list longer than the helper keeps is refused, not cut. The
 * rootfs holds only the static test tool, which prints who it runs as.
 */
class HelperUserTest {
  private static final Path TOOL =
      Path.of(System.getProperty("basedir", "."), "target", "test-tools", "refuse-syscalls");

  @TempDir Path dir;
  private Path rootfs;

  @BeforeEach
  void rootfs() throws Exception {
    assertTrue(Files.isExecutable(TOOL), TOOL + " is missing: the pom builds it from src/test/c");
    rootfs = dir.resolve("rootfs");
    Files.createDirectories(rootfs.resolve("bin"));
    Files.createDirectories(rootfs.resolve("etc"));
    Files.copy(TOOL, rootfs.resolve("bin/t"));
  }

  private String[] runAs(String user) throws Exception {
    HelperBinary helper = HelperBinary.in(dir.resolve("helper"));
    List<String> run =
        List.of(
            helper.path().toString(),
            "run",
            "--rootfs",
            rootfs.toString(),
            "--user",
            user,
            "--",
            "/bin/t",
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
  void aLongPasswdLineIsOneEntry() throws Exception {
    String gecos = "g".repeat(5000);
    Files.writeString(
        rootfs.resolve("etc/passwd"),
        "root:x:0:0:root:/root:/bin/sh\n"
            + "long:x:0:0:"
            + gecos
            + ":/home/long:/bin/sh\n"
            // cut at 4095 bytes (fgets into 4096), the tail of this line read as an entry "evil"
            + "bob:x:0:0:"
            + "h".repeat(4085)
            + "evil:x:0:0::/evil:/bin/sh\n");
    Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\n");
    String[] r = runAs("long");
    assertEquals("0", r[0], r[1] + r[2]);
    assertEquals("uid=0 gid=0 groups=1 home=/home/long\n", r[1], r[2]);
    String[] evil = runAs("evil");
    assertEquals(
        Integer.toString(NativeProtocol.Status.SETUP_FAILED.code), evil[0], evil[1] + evil[2]);
    assertEquals(
        "strata-nshelper: unable to find user evil: no matching entries in the rootfs's"
            + " /etc/passwd\n",
        evil[2]);
  }

  /**
   * Issue 18 row L: BuildKit's WORKDIR makes the missing directories USER's (llb.Mkdir with
   * WithUser); existing ones keep their owner.
   */
  @Test
  void missingWorkdirDirectoriesBelongToUser() throws Exception {
    Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\n");
    Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\n");
    IdMapping mapping = UserNamespace.mappingFor(Optional.empty());
    HelperBinary helper = HelperBinary.in(dir.resolve("helper"));
    List<String> run =
        List.of(
            helper.path().toString(),
            "run",
            "--rootfs",
            rootfs.toString(),
            "--user",
            "1:2",
            "--workdir",
            "/etc/created/deep",
            "--",
            "/bin/t",
            "--ids");
    Process p = new ProcessBuilder(UserNamespace.enterCommand(helper, mapping, run)).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = p.waitFor();
    if (mapping.mode() == IdMapping.Mode.SINGLE) {
      // one id mapped: uid 1 is not, and the helper says so (no directory is given away)
      assertEquals(NativeProtocol.Status.SETUP_FAILED.code, code, out + err);
      return;
    }
    assertEquals(0, code, out + err);
    // owners as the namespace sees them: the host's stat, run inside it
    List<String> stat =
        List.of(
            "stat",
            "-c",
            "%n %u:%g %a",
            rootfs.resolve("etc").toString(),
            rootfs.resolve("etc/created").toString(),
            rootfs.resolve("etc/created/deep").toString());
    Process s = new ProcessBuilder(UserNamespace.enterCommand(helper, mapping, stat)).start();
    String owners = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, s.waitFor(), owners);
    // subordinate ids own them now: removed inside the namespace, or @TempDir cannot
    List<String> rm = List.of("rm", "-rf", rootfs.resolve("etc/created").toString());
    assertEquals(
        0, new ProcessBuilder(UserNamespace.enterCommand(helper, mapping, rm)).start().waitFor());
    assertEquals(
        rootfs.resolve("etc")
            + " 0:0 755\n"
            + rootfs.resolve("etc/created")
            + " 1:2 755\n"
            + rootfs.resolve("etc/created/deep")
            + " 1:2 755\n",
        owners);
  }

  @Test
  void moreGroupsThanKeptAreRefused() throws Exception {
    Files.writeString(rootfs.resolve("etc/passwd"), "many:x:0:0::/home/many:/bin/sh\n");
    StringBuilder groups = new StringBuilder();
    for (int g = 1; g <= 1024; g++) {
      groups.append("g").append(g).append(":x:").append(g).append(":many\n");
    }
    Files.writeString(rootfs.resolve("etc/group"), groups);
    String[] r = runAs("many");
    assertEquals(Integer.toString(NativeProtocol.Status.SETUP_FAILED.code), r[0], r[1] + r[2]);
    assertEquals("strata-nshelper: /etc/group: many is a member of more than 1024 groups\n", r[2]);
  }
}
