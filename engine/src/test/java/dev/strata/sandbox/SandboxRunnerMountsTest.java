package dev.strata.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.sandbox.NamespacedRootfs.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Extra mounts (SandboxSpec.mounts) through strata-nshelper run as a black box. Every case ends by
 * checking that the rootfs tree (names, types, modes, mtimes) is what it was before: no mount
 * point, no file written into a mount, reaches what would become a layer.
 */
class SandboxRunnerMountsTest {
  @TempDir Path tmp;
  NamespacedRootfs fs;
  List<String> before;

  @BeforeEach
  void extract() throws Exception {
    fs = new NamespacedRootfs(Files.createDirectories(tmp.resolve("ns")));
  }

  @AfterEach
  void remove() throws Exception {
    fs.close();
  }

  @Test
  void helperCommandHasOneArgumentPerField() {
    Path odd = tmp.resolve("a,b:c d");
    SandboxSpec s =
        fs.spec("true")
            .withMounts(
                List.of(
                    SandboxMount.bind(odd, "/t/x,y:z", true),
                    SandboxMount.tmpfs("/m", OptionalLong.of(4096)).withTmpfsMode(0700)));
    List<String> cmd = new SandboxRunner(fs.helper).helperCommand(s, Path.of("/env"));
    List<String> opts = cmd.subList(2, cmd.indexOf("--"));
    List<String> expected =
        List.of(
            "--mount",
            "bind",
            "--mount-source",
            odd.toString(),
            "--mount-target",
            "/t/x,y:z",
            "--mount-option",
            "ro",
            "--mount",
            "tmpfs",
            "--mount-target",
            "/m",
            "--mount-option",
            "rw",
            "--mount-option",
            "size=4096",
            "--mount-option",
            "mode=700");
    assertEquals(expected, opts.subList(opts.indexOf("--mount"), opts.size()));
  }

  @Test
  void bindDirectoryReadWriteIntoAMissingNestedTarget() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("in"), "from host\n");
    before = tree();
    Result r =
        run(
            "cat /data/deep/src/in && echo out >/data/deep/src/out",
            SandboxMount.bind(src, "/data/deep/src", false));
    assertEquals(0, r.code(), r.err());
    assertEquals("from host\n", r.out());
    assertEquals("out\n", Files.readString(src.resolve("out")), "written through to the source");
    assertUnchanged();
  }

  @Test
  void bindDirectoryReadOnly() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    before = tree();
    Result r = run("echo x >/ro/f", SandboxMount.bind(src, "/ro", true));
    assertNotEquals(0, r.code());
    assertTrue(r.err().contains("Read-only file system"), "EROFS: " + r.err());
    try (Stream<Path> s = Files.list(src)) {
      assertEquals(0, s.count());
    }
    assertUnchanged();
  }

  @Test
  void bindFilesOverAMissingAndAnExistingTarget() throws Exception {
    Path conf = Files.writeString(tmp.resolve("app.conf"), "k=v\n");
    Path passwd = Files.writeString(tmp.resolve("passwd"), "root:x:0:0::/r00t:/bin/sh\n");
    before = tree();
    Result r =
        run(
            "cat /etc/app/app.conf; echo more >>/etc/app/app.conf; test -f /etc/app/app.conf &&"
                + " echo $HOME",
            SandboxMount.bind(conf, "/etc/app/app.conf", false),
            SandboxMount.bind(passwd, "/etc/passwd", true));
    assertEquals(0, r.code(), r.err());
    assertEquals("k=v\n/r00t\n", r.out(), "HOME from the bound /etc/passwd");
    assertEquals("k=v\nmore\n", Files.readString(conf));
    assertUnchanged();
  }

  @Test
  void tmpfsSizeIsRespectedAndItsFilesVanish() throws Exception {
    before = tree();
    Result r =
        run(
            "df -k /scratch | tail -1; dd if=/dev/zero of=/scratch/big bs=1k count=2048; stat -c %a"
                + " /scratch",
            SandboxMount.tmpfs("/scratch", OptionalLong.of(1024 * 1024)));
    assertEquals(0, r.code(), r.err());
    String[] df = r.out().lines().findFirst().orElseThrow().trim().split("\\s+");
    assertEquals("1024", df[1], "1 MiB of 1k blocks: " + r.out());
    assertTrue(r.err().contains("No space left on device"), r.err());
    assertTrue(r.out().endsWith("1777\n"), r.out());
    assertUnchanged();
  }

  @Test
  void laterMountsNestInEarlierOnesAndTheirPointsAreRemovedToo() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    before = tree();
    Result r =
        run(
            "echo t >/n/src/a/b/t && echo s >/n/src/s && grep -c ' /n/src' /proc/self/mountinfo",
            SandboxMount.bind(src, "/n/src", false),
            SandboxMount.tmpfs("/n/src/a/b", OptionalLong.empty()),
            SandboxMount.tmpfs("/etc", OptionalLong.empty()));
    assertEquals(0, r.code(), r.err());
    assertEquals("2\n", r.out());
    try (Stream<Path> s = Files.list(src)) {
      assertEquals(List.of(src.resolve("s")), s.toList(), "a/b, made in the source, removed");
    }
    assertUnchanged();
  }

  @Test
  void targetsThroughHostileSymlinksStayInsideTheRootfs() throws Exception {
    Path host = Files.createDirectories(tmp.resolve("host"));
    String up = "../".repeat(20) + host.toString().substring(1);
    enter("ln", "-s", host.toString(), fs.rootfs + "/abs");
    enter("ln", "-s", up, fs.rootfs + "/rel");
    enter("ln", "-s", host + "/f", fs.rootfs + "/etc/f.conf");
    Path conf = Files.writeString(tmp.resolve("conf"), "c\n");
    before = tree();
    // Dangling inside the rootfs (the host directory is not there): refused, nothing outside.
    for (String target : List.of("/abs/m", "/rel/m")) {
      Result r = run("true", SandboxMount.tmpfs(target, OptionalLong.empty()));
      assertEquals(125, r.code(), target + ": " + r.err());
      assertTrue(r.err().contains("dangling symlink"), r.err());
    }
    Result f = run("true", SandboxMount.bind(conf, "/etc/f.conf", false));
    assertEquals(125, f.code(), f.err());
    assertUnchanged();
    assertEmpty(host);

    // Present inside the rootfs: the links resolve there, and writes land in the mount.
    enter("mkdir", "-p", fs.rootfs + host.toString());
    before = tree();
    Result r =
        run(
            "echo x >/abs/m/x && echo y >/rel/n/y && cat /abs/n/y",
            SandboxMount.tmpfs("/abs/m", OptionalLong.empty()),
            SandboxMount.bind(Files.createDirectories(tmp.resolve("src")), "/rel/n", false));
    assertEquals(0, r.code(), r.err());
    assertEquals("y\n", r.out(), "both links lead to the rootfs's own " + host);
    assertEmpty(host);
    assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(host.toString()));
    assertUnchanged();
  }

  @Test
  void interruptedSetupLeavesNoMountPoint() throws Exception {
    // 120 nested targets: setup takes long enough (hundreds of ms) for a SIGINT at 20-320 ms to
    // land while it is under way; before it was deferred, it left dozens of directories behind.
    List<SandboxMount> many = new java.util.ArrayList<>();
    for (int i = 0; i < 120; i++) {
      many.add(SandboxMount.tmpfs("/deep/a" + i + "/b/c", OptionalLong.empty()));
    }
    before = tree();
    for (int delayMs : new int[] {20, 80, 320}) {
      SandboxSpec spec = fs.spec("sleep", "30").withMounts(many);
      SandboxRunner.Invocation inv = new SandboxRunner(fs.helper).invocation(spec);
      List<String> program = inv.argv();
      ProcessBuilder pb =
          new ProcessBuilder(
                  dev.strata.nshelper.UserNamespace.enterCommand(fs.helper, fs.mapping, program))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD);
      pb.environment().put(dev.strata.nshelper.UserNamespace.ENV_INSIDE, fs.mapping.mode().word());
      Process p = pb.start();
      Thread.sleep(delayMs);
      // enter execs run, so this is the helper that relays to the sandbox's init
      new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
      assertTrue(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS), "ended after SIGINT");
      assertEquals(130, p.exitValue(), "128 + SIGINT at " + delayMs + " ms");
      inv.close();
      assertUnchanged();
    }
  }

  @Test
  void runningOutOfUndoRoomFailsBeforeTheStepAndUndoesTheRest() throws Exception {
    List<SandboxMount> many = new java.util.ArrayList<>();
    for (int i = 0; i < 250; i++) { // 3 directories and a mount each: more than the helper's 512
      many.add(SandboxMount.tmpfs("/deep/a" + i + "/b/c", OptionalLong.empty()));
    }
    before = tree();
    Result r = fs.run(fs.spec("true").withMounts(many));
    assertEquals(125, r.code(), r.err());
    assertTrue(r.err().contains("more than 512 mounts and mount points"), r.err());
    assertUnchanged();
  }

  @Test
  void aMissingBindSourceFailsBeforeAnythingRuns() throws Exception {
    Path gone = tmp.resolve("gone");
    var e =
        org.junit.jupiter.api.Assertions.assertThrows(
            java.nio.file.NoSuchFileException.class,
            () ->
                new SandboxRunner(fs.helper)
                    .run(
                        fs.spec("true").withMounts(List.of(SandboxMount.bind(gone, "/g", false))),
                        System.out,
                        System.err));
    assertEquals(gone + ": no such bind mount source (for /g)", e.getMessage());
  }

  private Result run(String script, SandboxMount... mounts) throws Exception {
    return fs.run(fs.spec("sh", "-c", script).withMounts(List.of(mounts)));
  }

  private void enter(String... cmd) throws Exception {
    Result r = fs.enter(List.of(cmd));
    assertEquals(0, r.code(), String.join(" ", cmd) + ": " + r.err());
  }

  /**
   * Names, types, modes and mtimes under the rootfs, read inside the namespace (subordinate
   * owners).
   */
  private List<String> tree() throws Exception {
    Result r = fs.enter(List.of("find", fs.rootfs.toString(), "-printf", "%P %y %m %T@\\n"));
    assertEquals(0, r.code(), "find (GNU findutils) in the namespace: " + r.err());
    return r.out().lines().sorted().toList();
  }

  private void assertUnchanged() throws Exception {
    List<String> after = tree();
    List<String> gone = before.stream().filter(l -> !after.contains(l)).toList();
    List<String> added = after.stream().filter(l -> !before.contains(l)).toList();
    assertEquals(List.of(), added, "left in the rootfs");
    assertEquals(List.of(), gone, "missing from the rootfs");
  }

  private static void assertEmpty(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of(), s.toList(), "nothing written outside the rootfs in " + dir);
    }
  }
}
