package dev.strata.nshelper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the helper does when the kernel or a seccomp profile refuses a call it makes (issues 19,
 * 21), proved for real: src/test/c/refuse-syscalls (built by the pom) installs a seccomp filter
 * that makes the named calls fail, and the helper runs under it, enter and run alike, with a rootfs
 * holding only that static tool, which in the sandbox lists the descriptors it got.
 */
class HelperFallbacksTest {
  private static final Path TOOL =
      Path.of(System.getProperty("basedir", "."), "target", "test-tools", "refuse-syscalls");

  @TempDir Path dir;
  private Path rootfs;

  @BeforeEach
  void rootfs() throws Exception {
    assertTrue(Files.isExecutable(TOOL), TOOL + " is missing: the pom builds it from src/test/c");
    rootfs = Files.createDirectories(dir.resolve("rootfs/bin"));
    Files.copy(TOOL, rootfs.resolve("t"));
    rootfs = dir.resolve("rootfs");
  }

  /**
   * refuse-syscalls [--leak-fd] REFUSE -- enter (single-id) -- run [RUN_OPTIONS] -- /bin/t
   * --list-fds
   */
  private String[] run(boolean leakFd, String refuse, String... runOptions) throws Exception {
    long[] ids = UserNamespace.callerIds();
    HelperBinary helper = HelperBinary.in(dir.resolve("helper"));
    List<String> inner =
        new ArrayList<>(List.of(helper.path().toString(), "run", "--rootfs", rootfs.toString()));
    inner.addAll(List.of(runOptions));
    inner.addAll(List.of("--", "/bin/t", "--list-fds"));
    List<String> cmd = new ArrayList<>(List.of(TOOL.toString()));
    if (leakFd) {
      cmd.add("--leak-fd");
    }
    cmd.add(refuse);
    cmd.add("--");
    // single-id: the filter sets no_new_privs, under which a setuid newuidmap cannot help
    cmd.addAll(UserNamespace.enterCommand(helper, IdMapping.single(ids[0], ids[1]), inner));
    Process p = new ProcessBuilder(cmd).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    return new String[] {Integer.toString(p.waitFor()), out, err};
  }

  /** Without the helper in between, the tool does hold the descriptor: the test below can fail. */
  @Test
  void theLeakedDescriptorIsThereWithoutTheHelper() throws Exception {
    Process p =
        new ProcessBuilder(
                TOOL.toString(),
                "--leak-fd",
                "close_range=ENOSYS",
                "--",
                TOOL.toString(),
                "--list-fds")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    assertEquals("fds: 3\n", out);
  }

  /**
   * close_range(2) refused (ENOSYS: a kernel before 5.9; EPERM: a seccomp profile that predates it,
   * as Docker's default action): the helper closes what /proc/self/fd lists instead, so the command
   * still inherits nothing.
   */
  @ParameterizedTest
  @ValueSource(strings = {"close_range=ENOSYS", "close_range=EPERM"})
  void inheritedDescriptorsAreClosedWithoutCloseRange(String refuse) throws Exception {
    String[] r = run(true, refuse);
    assertEquals("0", r[0], r[1] + r[2]);
    assertEquals("fds:\n", r[1], r[2]);
  }

  /**
   * A refused sethostname (podman's profile allows it only with CAP_SYS_ADMIN) is a warning and the
   * step runs with the caller's hostname (issue 19), not a failed RUN.
   */
  @Test
  void refusedSethostnameIsAWarning() throws Exception {
    String[] r = run(false, "sethostname=EPERM", "--hostname", "strata");
    assertEquals("0", r[0], r[1] + r[2]);
    assertEquals("fds:\n", r[1], r[2]);
    assertEquals(
        "strata-nshelper: warning: sethostname strata refused (Operation not permitted); the step"
            + " sees the caller's hostname\n",
        r[2]);
  }

  /**
   * Real root whose bounding set lacks some of the step's capabilities (a container without
   * Docker's MKNOD and NET_RAW, as podman's defaults; here root of {@code unshare -Ur} with them
   * dropped by setpriv, running "run" outside any user namespace of Strata's, as root with
   * CAP_SYS_ADMIN does): the step goes without them, said in one line, instead of capset failing.
   */
  @Test
  void capabilitiesTheContainerLacksAreLeftOutAndSaid() throws Exception {
    HelperBinary helper = HelperBinary.in(dir.resolve("helper"));
    Process p =
        new ProcessBuilder(
                "unshare",
                "-Ur",
                "setpriv",
                "--bounding-set",
                "-mknod,-net_raw",
                "--",
                helper.path().toString(),
                "run",
                "--rootfs",
                rootfs.toString(),
                "--",
                "/bin/t",
                "--list-fds")
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out + err);
    assertEquals("fds:\n", out, err);
    assertEquals(
        "strata-nshelper: warning: the command goes without CAP_NET_RAW, CAP_MKNOD, which this"
            + " process's bounding set (the container's) lacks\n",
        err);
  }

  /** Any other failure of sethostname still fails the step, naming the call. */
  @Test
  void otherSethostnameFailuresFail() throws Exception {
    String[] r = run(false, "sethostname=ENOSYS", "--hostname", "strata");
    assertEquals(Integer.toString(NativeProtocol.Status.SETUP_FAILED.code), r[0], r[1] + r[2]);
    assertEquals("strata-nshelper: sethostname strata: Function not implemented\n", r[2]);
  }
}
