package dev.strata.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.nshelper.IdMapping;
import dev.strata.nshelper.Isolation;
import dev.strata.sandbox.NamespacedRootfs.Result;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** strata-nshelper run as a black box, in the id mapping this user gets. */
class SandboxRunnerTest {
  @TempDir Path tmp;
  NamespacedRootfs fs;

  @BeforeEach
  void extract() throws Exception {
    fs = new NamespacedRootfs(tmp);
  }

  @AfterEach
  void remove() throws Exception {
    fs.close();
  }

  @Test
  void helperCommandFollowsTheProtocol() {
    SandboxSpec s =
        SandboxSpec.of(fs.rootfs, List.of("sh", "-c", "true"), List.of("TOKEN=v4lue"))
            .withUser(Optional.of("app:app"))
            .withWorkdir(Optional.of("/w"))
            .withNetwork(NetworkMode.NONE);
    List<String> cmd = new SandboxRunner(fs.helper).helperCommand(s, Path.of("/env"));
    assertEquals("run", cmd.get(1));
    int end = cmd.indexOf("--");
    assertEquals(List.of("sh", "-c", "true"), cmd.subList(end + 1, cmd.size()));
    String opts = String.join(" ", cmd.subList(2, end));
    assertTrue(opts.contains("--user app:app --workdir /w --network none"), opts);
    assertTrue(opts.endsWith("--environ /env --caps a80425fb --seccomp default"), opts);
    assertFalse(String.join(" ", cmd).contains("v4lue"), "no value on the command line: " + cmd);
    List<String> insecure =
        new SandboxRunner(fs.helper)
            .helperCommand(s.withSecurity(SandboxSecurity.INSECURE), Path.of("/env"));
    assertTrue(
        String.join(" ", insecure).contains("--caps ffffffffffffffff --seccomp unconfined"),
        insecure.toString());
    // as root in a container without MKNOD, NET_RAW, AUDIT_WRITE (podman's defaults): cut to that
    Isolation inContainer =
        new Isolation(
            Isolation.Rung.USERNS,
            List.of("mount", "pid", "ipc", "uts"),
            "fresh",
            true,
            IdMapping.Mode.IDENTITY,
            false,
            0x1ffd7ffdfffL);
    String cut =
        String.join(
            " ",
            new SandboxRunner(fs.helper, Optional.of(inContainer))
                .helperCommand(s, Path.of("/env")));
    assertTrue(cut.contains("--caps 800405fb --seccomp default"), cut);
  }

  @Test
  void rootInsideAndExitStatusPassesThrough() throws Exception {
    assertEquals("0\n", fs.run(fs.spec("id", "-u")).out());
    assertEquals(3, fs.run(fs.spec("sh", "-c", "exit 3")).code());
    assertEquals(130, fs.run(fs.spec("sh", "-c", "kill -INT $$")).code(), "128 + SIGINT");
    Result missing = fs.run(fs.spec("no-such-program"));
    assertEquals(127, missing.code());
    assertTrue(missing.err().contains("no-such-program: not found"), missing.err());
  }

  @Test
  void userWorkdirAndEnvironment() throws Exception {
    Files.writeString(
        fs.rootfs.resolve("etc/group"),
        "wheel:x:10:root,nobody\n",
        java.nio.file.StandardOpenOption.APPEND);
    SandboxSpec s =
        SandboxSpec.of(
                fs.rootfs,
                List.of("sh", "-c", "id -u; id -G; pwd; echo $FOO; echo $HOME"),
                List.of("FOO=bar"))
            .withUser(Optional.of("nobody"))
            .withWorkdir(Optional.of("/work/dir"));
    Result r = fs.run(s);
    if (fs.mapping.mode() == IdMapping.Mode.SINGLE) {
      assertEquals(125, r.code(), "single-id mode cannot become nobody: " + r.err());
      assertTrue(r.err().contains("not mapped"), r.err());
      return;
    }
    assertEquals(0, r.code(), r.err());
    assertEquals("65534\n65534 10\n/work/dir\nbar\n/nonexistent\n", r.out());
    assertTrue(Files.isDirectory(fs.rootfs.resolve("work/dir")), "WORKDIR created");

    Result explicit = fs.run(s.withUser(Optional.of("nobody:root")));
    assertEquals(
        "65534\n0\n/work/dir\nbar\n/nonexistent\n",
        explicit.out(),
        "user:group: no supplementary groups");
  }

  /**
   * Issue 14: docker's capabilities, podman's seccomp profile, nothing of the caller's environment.
   */
  @Test
  void commandGetsDockersCapabilitiesSeccompAndOnlyItsEnvironment() throws Exception {
    String probe =
        "grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|Seccomp|NoNewPrivs):' /proc/self/status;"
            + " tr '\\0' '\\n' </proc/1/environ | wc -c; env | sort | tr '\\n' ' '";
    SandboxSpec s = SandboxSpec.of(fs.rootfs, List.of("sh", "-c", probe), List.of("ONLY=this"));
    Result r = fs.run(s);
    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.out()
            .contains(
                "CapInh:\t0000000000000000\nCapPrm:\t00000000a80425fb\n"
                    + "CapEff:\t00000000a80425fb\nCapBnd:\t00000000a80425fb\nCapAmb:\t0000000000000000\n"),
        r.out());
    assertTrue(r.out().contains("NoNewPrivs:\t0\nSeccomp:\t2\n"), r.out());
    assertTrue(
        r.err().contains("/proc/1/environ: Permission denied"),
        "PID 1 keeps the capabilities to undo its mounts, so the command may not read it: "
            + r.err());
    assertTrue(
        r.out()
            .endsWith(
                "HOME=/root ONLY=this PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin PWD=/ SHLVL=1 "),
        r.out());

    // all capabilities, no filter: now PID 1 may be read, and it has no environment at all
    Result insecure = fs.run(s.withSecurity(SandboxSecurity.INSECURE));
    assertEquals(0, insecure.code(), insecure.err());
    assertTrue(insecure.out().contains("NoNewPrivs:\t0\nSeccomp:\t0\n0\n"), insecure.out());
    assertFalse(insecure.out().contains("CapEff:\t00000000a80425fb"), insecure.out());

    Result none = fs.run(s.withSecurity(SandboxSecurity.DEFAULT.withCapabilities(0)));
    assertTrue(
        none.out().contains("CapEff:\t0000000000000000\nCapBnd:\t0000000000000000\n"), none.out());
    if (fs.mapping.mode() != IdMapping.Mode.SINGLE) {
      // docker: a user other than root gets the bounding set only, whatever it could have as root
      Result nobody = fs.run(s.withUser(Optional.of("nobody")));
      assertTrue(
          nobody
              .out()
              .contains(
                  "CapPrm:\t0000000000000000\nCapEff:\t0000000000000000\n"
                      + "CapBnd:\t00000000a80425fb\n"),
          nobody.out());
    }
  }

  @Test
  void minimalDevAndNoNetwork() throws Exception {
    Result dev =
        fs.run(
            fs.spec(
                "sh",
                "-c",
                "echo x >/dev/null && head -c 5 /dev/zero | wc -c && head -c 3 /dev/urandom | wc -c"
                    + " && test -c /dev/full && test -L /dev/ptmx && test -d /dev/pts && test -d"
                    + " /dev/shm && readlink /dev/fd"));
    assertEquals("5\n3\n/proc/self/fd\n", dev.out(), dev.err());

    Result net = fs.run(fs.spec("cat", "/proc/net/dev").withNetwork(NetworkMode.NONE));
    List<String> ifaces = net.out().lines().skip(2).map(l -> l.trim().split(":")[0]).toList();
    assertEquals(List.of("lo"), ifaces, net.out());
  }

  @Test
  void hostResolvConfIsBoundAndLeavesNoTrace() throws Exception {
    Path resolv = fs.rootfs.resolve("etc/resolv.conf");
    assertFalse(Files.exists(resolv, LinkOption.NOFOLLOW_LINKS), "busybox has none");
    Result r = fs.run(fs.spec("cat", "/etc/resolv.conf"));
    assertEquals(Files.readString(Path.of("/etc/resolv.conf")), r.out());
    Result ro = fs.run(fs.spec("sh", "-c", "echo x >> /etc/resolv.conf"));
    assertTrue(ro.code() != 0, "read-only bind");
    assertFalse(Files.exists(resolv, LinkOption.NOFOLLOW_LINKS), "mount point removed afterwards");
  }

  @Test
  void symlinkedMountTargetsStayInsideTheRootfs() throws Exception {
    Path victim = tmp.resolve("victim");
    Files.writeString(victim, "host file\n");
    Files.createSymbolicLink(fs.rootfs.resolve("etc/resolv.conf"), victim);
    Result r = fs.run(fs.spec("sh", "-c", "cat /etc/resolv.conf; true"));
    assertEquals(0, r.code(), r.err());
    assertEquals("host file\n", Files.readString(victim));
    assertTrue(Files.isSymbolicLink(fs.rootfs.resolve("etc/resolv.conf")));
    assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(victim.toString()));

    // /dev as a symlink to a host directory: refused, nothing mounted there.
    Path hostDir = Files.createDirectory(tmp.resolve("hostdev"));
    enterRm("/dev");
    Files.createSymbolicLink(fs.rootfs.resolve("dev"), hostDir);
    Result dev = fs.run(fs.spec("true"));
    assertEquals(125, dev.code());
    assertTrue(dev.err().contains("/dev is not a directory"), dev.err());
    try (var s = Files.list(hostDir)) {
      assertEquals(0, s.count(), "nothing created in the host directory");
    }
  }

  private void enterRm(String path) throws Exception {
    assertEquals(0, fs.enter(List.of("rm", "-rf", fs.rootfs + path)).code());
  }
}
