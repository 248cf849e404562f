package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 5's acceptance, end to end: the real {@code bin/strata} as the user running the build
 * (scripts/test: an unprivileged user with /etc/subuid ranges), in a busybox rootfs extracted
 * inside Strata's namespace. Anything a test needs and does not find fails it, naming the thing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SandboxIT {
  private Path store;
  private Path rootfs;

  record Result(int code, String out, String err) {
    String all() {
      return "exit " + code + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }
  }

  @BeforeAll
  void extractBusybox() throws Exception {
    Path fixtures = Path.of(System.getProperty("strata.fixtures", "/var/tmp/strata-fixtures"));
    Path tar = fixtures.resolve("busybox.tar");
    if (!Files.isRegularFile(tar)) {
      fail("fixture " + tar + " is missing: run scripts/fixtures/make-busybox.sh " + fixtures);
    }
    store = Files.createTempDirectory("strata-it-");
    rootfs = Files.createDirectory(store.resolve("rootfs"));
    Result r =
        strata(Map.of(), "unshare", "--", "tar", "-xf", tar.toString(), "-C", rootfs.toString());
    assertEquals(0, r.code(), "extract busybox in the namespace: " + r.all());
  }

  @AfterAll
  void removeStore() throws Exception {
    if (store != null) {
      strata(Map.of(), "unshare", "--", "rm", "-rf", store.toString());
    }
  }

  // --- acceptance: uid 0 inside; chown with subordinate ids -------------------------------

  @Test
  void callerIsUidZeroInside() throws Exception {
    assertEquals("0", run("id", "-u").out().trim());
    Result u = strata(Map.of(), "unshare", "--", "sh", "-c", "id -u; echo $STRATA_NAMESPACE");
    assertEquals(0, u.code(), u.all());
    assertTrue(u.out().startsWith("0\n"), u.all());
  }

  @Test
  void chownToSubordinateIdWorks() throws Exception {
    requireSubordinateIds();
    Result r = run("sh", "-c", "touch /tmp/x && chown 1000:1000 /tmp/x && stat -c %u:%g /tmp/x");
    assertEquals(0, r.code(), r.all());
    assertEquals("1000:1000", r.out().trim());
    if (!System.getProperty("user.name").equals("root")) {
      long start = subuidStart();
      long hostUid = (Integer) Files.getAttribute(rootfs.resolve("tmp/x"), "unix:uid");
      assertEquals(start + 999, hostUid, "inside 1000 is the 1000th subordinate id outside");
    }
  }

  // --- acceptance: --network none shows only lo; host resolves like the host -------------

  @Test
  void networkNoneHasOnlyLoopback() throws Exception {
    Result r = run(List.of("--network", "none"), "cat", "/proc/net/dev");
    assertEquals(0, r.code(), r.all());
    assertEquals(List.of("lo"), interfaces(r.out()), r.all());
    Result ip = run(List.of("--network", "none"), "ip", "-o", "link");
    assertEquals(1, ip.out().lines().count(), ip.all());
    assertTrue(ip.out().contains("lo:") && ip.out().contains("UP"), ip.all());
  }

  @Test
  void networkHostSeesTheHostsNetworkAndResolver() throws Exception {
    // A run killed with SIGKILL (another test) cannot remove the mount point it created.
    Files.deleteIfExists(rootfs.resolve("etc/resolv.conf"));
    Files.deleteIfExists(rootfs.resolve("etc/hosts"));
    Result dev = run(List.of("--network", "host"), "cat", "/proc/net/dev");
    assertEquals(interfaces(Files.readString(Path.of("/proc/net/dev"))), interfaces(dev.out()));
    Result conf = run("cat", "/etc/resolv.conf", "/etc/hosts");
    assertEquals(
        Files.readString(Path.of("/etc/resolv.conf")) + Files.readString(Path.of("/etc/hosts")),
        conf.out());
    assertFalse(
        Files.exists(rootfs.resolve("etc/resolv.conf"), LinkOption.NOFOLLOW_LINKS),
        "the mount point Strata created is gone afterwards");
  }

  // --- acceptance: exit codes and signals pass through; Ctrl-C leaves nothing ------------

  @Test
  void exitCodePassesThrough() throws Exception {
    assertEquals(3, run("sh", "-c", "exit 3").code());
    assertEquals(143, run("sh", "-c", "kill -TERM $$").code(), "128 + SIGTERM");
    assertEquals(127, run("no-such-command").code());
  }

  @Test
  void sigintLeavesNoProcessAndNoMount() throws Exception {
    Process p =
        start(
            Map.of(),
            "--root",
            store.toString(),
            "run",
            "--rootfs",
            rootfs.toString(),
            "sleep",
            "1000");
    Output.of(p);
    long sleep = awaitSandboxed("sleep 1000", p);
    kill("INT", p.pid());
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "strata ended after SIGINT");
    assertEquals(130, p.exitValue(), "128 + SIGINT");
    assertNothingLeft(sleep);
  }

  @Test
  void killedStrataLeavesNoProcessAndNoMount() throws Exception {
    Process p =
        start(
            Map.of(),
            "--root",
            store.toString(),
            "run",
            "--rootfs",
            rootfs.toString(),
            "sleep",
            "1000");
    Output.of(p);
    long sleep = awaitSandboxed("sleep 1000", p);
    kill("KILL", p.pid());
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertNothingLeft(sleep);
  }

  @Test
  void interruptedRunLeavesNoMountInTheNamespace() throws Exception {
    // Inside one `strata unshare`, a run is interrupted; that namespace's mount table must not
    // mention the rootfs afterwards (the run's own mount namespace died with its processes).
    String script =
        "\"$0\" --root \"$1\" run --rootfs \"$2\" sleep 1000; echo status=$?;"
            + " cat /proc/self/mountinfo";
    Process p =
        start(
            Map.of(),
            "unshare",
            "--",
            "sh",
            "-c",
            script,
            bin(),
            store.toString(),
            rootfs.toString());
    Output out = Output.of(p);
    long sleep = awaitSandboxed("sleep 1000", p);
    // The strata running inside: the parent of the helper whose grandchild is the sleep.
    long helper =
        ProcessHandle.of(sleep)
            .flatMap(ProcessHandle::parent)
            .flatMap(ProcessHandle::parent)
            .map(ProcessHandle::pid)
            .orElseThrow();
    long innerStrata =
        ProcessHandle.of(helper)
            .flatMap(ProcessHandle::parent)
            .map(ProcessHandle::pid)
            .orElseThrow();
    kill("INT", innerStrata);
    Result r = out.await(p);
    assertTrue(r.out().startsWith("status=130\n"), r.all());
    assertFalse(r.out().contains(rootfs.toString()), "no mount left: " + r.all());
    assertNothingLeft(sleep);
  }

  // --- acceptance: own processes only; no writes outside the rootfs ----------------------

  @Test
  void psShowsOnlyTheSandboxsProcesses() throws Exception {
    Result r = run("ps", "-o", "pid,args");
    assertEquals(0, r.code(), r.all());
    List<String> pids = r.out().lines().skip(1).map(l -> l.trim().split("\\s+")[0]).toList();
    assertEquals(List.of("1", "2"), pids, "init and ps only: " + r.all());
  }

  @Test
  void cannotWriteOutsideTheRootfs() throws Exception {
    Result r =
        run(
            "sh",
            "-c",
            "echo x > /proc/1/root/../escape1; echo x > /../../../escape2;"
                + " cd /; cd ../../..; echo x > escape3; echo x > /proc/1/cwd/../escape4;"
                + " echo x > /proc/self/root/../escape5; true");
    assertEquals(0, r.code(), r.all());
    // PID 1 keeps capabilities the command lacks (issue 14), so /proc/1/root is not the
    // or cwd the command's to follow at all: escape1 and escape4 are refused outright, the
    // others land in the rootfs
    assertTrue(r.err().contains("/proc/1/root/../escape1: Permission denied"), r.all());
    assertTrue(r.err().contains("/proc/1/cwd/../escape4: Permission denied"), r.all());
    for (int i = 1; i <= 5; i++) {
      String name = "escape" + i;
      boolean refused = i == 1 || i == 4;
      assertEquals(!refused, Files.exists(rootfs.resolve(name)), name + " landed in the rootfs");
      assertFalse(Files.exists(store.resolve(name)), name + " escaped to " + store);
      assertFalse(Files.exists(Path.of("/", name)), name + " escaped to /");
    }
    strata(Map.of(), "unshare", "--", "sh", "-c", "rm -f \"$0\"/escape*", rootfs.toString());
  }

  @Test
  void symlinkedMountTargetsCannotReachTheHost() throws Exception {
    Path victim = Files.writeString(store.resolve("victim"), "host file\n");
    Path resolv = rootfs.resolve("etc/resolv.conf");
    Path hosts = rootfs.resolve("etc/hosts");
    Files.deleteIfExists(hosts);
    Files.createSymbolicLink(resolv, victim); // absolute host path
    Files.createSymbolicLink(
        hosts, Path.of("../../../../../../../../..").resolve(victim.toString().substring(1)));
    try {
      Result r = run("sh", "-c", "echo pwned > /etc/resolv.conf; echo pwned > /etc/hosts; true");
      assertEquals(0, r.code(), r.all());
      assertEquals("host file\n", Files.readString(victim));
      assertFalse(
          Files.readString(Path.of("/proc/self/mountinfo")).contains(victim.toString()),
          "nothing mounted on the host file");
    } finally {
      Files.deleteIfExists(resolv);
      Files.deleteIfExists(hosts);
    }
  }

  // --- -v and --tmpfs (the sandbox's extra mounts) -----------------------------------------

  @Test
  void volumesAndTmpfsLeaveNothingInTheRootfs() throws Exception {
    Path dir = Files.createDirectories(store.resolve("vol dir,with comma"));
    Path conf = Files.writeString(store.resolve("app.conf"), "k=v\n");
    List<String> before = tree();
    Result r =
        run(
            List.of(
                "-v", dir + ":/mnt/data",
                "--volume", conf + ":/etc/app/app.conf:ro",
                "--tmpfs", "/scratch/t:size=1m,mode=700"),
            "sh",
            "-c",
            "echo out > /mnt/data/out; cat /etc/app/app.conf; echo x >> /etc/app/app.conf;"
                + " df -k /scratch/t | tail -1; stat -c %a /scratch/t; echo t > /scratch/t/f");
    assertEquals(0, r.code(), r.all());
    assertEquals("out\n", Files.readString(dir.resolve("out")), "rw bind writes through");
    List<String> lines = r.out().lines().toList();
    assertEquals("k=v", lines.get(0), r.all());
    assertTrue(r.err().contains("Read-only file system"), "ro bind: " + r.all());
    assertEquals("1024", lines.get(1).trim().split("\\s+")[1], "size=1m: " + r.all());
    assertEquals("700", lines.get(2), r.all());
    assertEquals("k=v\n", Files.readString(conf));
    assertEquals(before, tree(), "mount points and files in mounts are gone");
  }

  @Test
  void badVolumesAreUsageErrors() throws Exception {
    for (List<String> opts :
        List.of(
            List.of("-v", store.resolve("no-such-dir") + ":/x"),
            List.of("-v", "/tmp:/x:z"),
            List.of("--tmpfs", "/t:size=10%"))) {
      Result r = run(opts, "true");
      assertEquals(2, r.code(), opts + ": " + r.all());
      assertTrue(r.err().contains("Usage: strata run"), "synopsis: " + r.all());
    }
  }

  /** Names, types and modes under the rootfs, read in the namespace (subordinate owners). */
  private List<String> tree() throws Exception {
    Result r =
        strata(Map.of(), "unshare", "--", "find", rootfs.toString(), "-printf", "%P %y %m\\n");
    assertEquals(0, r.code(), "find in the namespace: " + r.all());
    return r.out().lines().sorted().toList();
  }

  // --- acceptance: single-id mode, forced -------------------------------------------------

  @Test
  void singleIdModeForced() throws Exception {
    Map<String, String> single = Map.of("STRATA_ID_MAPPING", "single");
    Result map = strata(single, "unshare", "--", "cat", "/proc/self/uid_map");
    assertEquals(1, map.out().lines().count(), "one range only: " + map.all());
    assertTrue(map.out().trim().matches("0\\s+\\d+\\s+1"), map.all());

    Result id =
        strata(
            single, "--root", store.toString(), "run", "--rootfs", rootfs.toString(), "id", "-u");
    assertEquals("0", id.out().trim(), id.all());

    Result chown =
        strata(
            Map.of(),
            "--root",
            store.toString(),
            "run",
            "--id-mapping",
            "single",
            "--rootfs",
            rootfs.toString(),
            "sh",
            "-c",
            "touch /tmp/y; chown 1000 /tmp/y");
    assertTrue(chown.code() != 0, "only uid 0 exists in single-id mode: " + chown.all());

    Result user =
        strata(
            single,
            "--root",
            store.toString(),
            "run",
            "--user",
            "nobody",
            "--rootfs",
            rootfs.toString(),
            "id");
    assertEquals(125, user.code(), user.all());
    assertTrue(user.err().contains("not mapped"), user.all());
  }

  // --- helpers ---------------------------------------------------------------------------

  private Result run(String... cmd) throws Exception {
    return run(List.of(), cmd);
  }

  private Result run(List<String> opts, String... cmd) throws Exception {
    List<String> args = new ArrayList<>(List.of("--root", store.toString(), "run"));
    args.addAll(opts);
    args.add("--rootfs");
    args.add(rootfs.toString());
    args.addAll(Arrays.asList(cmd));
    return strata(Map.of(), args.toArray(String[]::new));
  }

  private static String bin() {
    String bin = System.getProperty("strata.bin");
    if (bin == null || !Files.isExecutable(Path.of(bin))) {
      fail("system property strata.bin must name bin/strata (failsafe sets it); got " + bin);
    }
    return bin;
  }

  private Process start(Map<String, String> env, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(bin()));
    cmd.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    StrataProcess.hermetic(pb.environment());
    pb.environment().remove("STRATA_NAMESPACE");
    pb.environment().remove("STRATA_ID_MAPPING");
    pb.environment().putAll(env);
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    return pb.start();
  }

  private Result strata(Map<String, String> env, String... args) throws Exception {
    Process p = start(env, args);
    return Output.of(p).await(p);
  }

  /** Both output streams collected as they come, so no pipe fills or blocks the test. */
  record Output(ByteArrayOutputStream out, ByteArrayOutputStream err, Thread o, Thread e) {
    static Output of(Process p) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Thread o = new Thread(() -> copy(p.getInputStream(), out));
      Thread e = new Thread(() -> copy(p.getErrorStream(), err));
      o.setDaemon(true);
      e.setDaemon(true);
      o.start();
      e.start();
      return new Output(out, err, o, e);
    }

    Result await(Process p) throws InterruptedException {
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        fail(
            "strata "
                + p.info().arguments().map(List::of).orElse(List.of())
                + " did not finish in 120 s; stderr: "
                + err);
      }
      o.join(10_000);
      e.join(10_000);
      synchronized (out) {
        return new Result(p.exitValue(), out.toString(), err.toString());
      }
    }
  }

  private static void copy(java.io.InputStream in, java.io.OutputStream out) {
    try {
      byte[] buf = new byte[8192];
      for (int n; (n = in.read(buf)) > 0; ) {
        synchronized (out) {
          out.write(buf, 0, n);
        }
      }
    } catch (IOException e) {
      // the process went away; what was read is kept
    }
  }

  private static void kill(String signal, long pid) throws Exception {
    assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor());
  }

  private static List<String> interfaces(String procNetDev) {
    return procNetDev.lines().skip(2).map(l -> l.trim().split(":")[0]).sorted().toList();
  }

  /** The pid of the live process running {@code cmdline} under the helper for our rootfs. */
  private long awaitSandboxed(String cmdline, Process strata) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!strata.isAlive()) {
        fail("strata ended early, exit " + strata.exitValue());
      }
      for (long pid : live(rootfs.toString())) {
        for (long child : children(pid)) {
          if (cmdline(child).equals(cmdline)) {
            return child;
          }
        }
      }
      Thread.sleep(100);
    }
    fail("no sandboxed \"" + cmdline + "\" appeared within 60 s");
    return -1;
  }

  /** No helper for our rootfs, no {@code sleep}, and no host mount under the store remain. */
  private void assertNothingLeft(long sleep) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline && (!live(rootfs.toString()).isEmpty() || isLive(sleep))) {
      Thread.sleep(100);
    }
    assertEquals(List.of(), live(rootfs.toString()), "helper processes left");
    assertFalse(isLive(sleep), "the sandboxed sleep is still running");
    assertFalse(
        Files.readString(Path.of("/proc/self/mountinfo")).contains(store.toString()),
        "a mount under " + store + " is left on the host");
  }

  private static List<Long> live(String marker) throws IOException {
    List<Long> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(Path.of("/proc"))) {
      for (Path p : s.toList()) {
        String name = p.getFileName().toString();
        if (name.chars().allMatch(Character::isDigit)) {
          long pid = Long.parseLong(name);
          if (cmdline(pid).contains(marker) && isLive(pid)) {
            out.add(pid);
          }
        }
      }
    }
    return out;
  }

  private static List<Long> children(long pid) {
    return ProcessHandle.of(pid).stream()
        .flatMap(ProcessHandle::children)
        .map(ProcessHandle::pid)
        .toList();
  }

  private static String cmdline(long pid) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")))
          .replace('\0', ' ')
          .trim();
    } catch (IOException e) {
      return "";
    }
  }

  /** Alive and not a zombie waiting for a slow reaper. */
  private static boolean isLive(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (IOException e) {
      return false;
    }
  }

  private static void requireSubordinateIds() throws IOException {
    if (System.getProperty("user.name").equals("root")) {
      return; // identity mapping: every id exists
    }
    if (subuidStart() < 0) {
      fail(
          "this test needs a range for "
              + System.getProperty("user.name")
              + " in /etc/subuid and /etc/subgid (scripts/test creates strata-test with one)");
    }
    for (String tool : List.of("newuidmap", "newgidmap")) {
      if (!Files.isExecutable(Path.of("/usr/bin", tool))) {
        fail("this test needs " + tool + " (apt-get install uidmap)");
      }
    }
  }

  private static long subuidStart() throws IOException {
    String user = System.getProperty("user.name");
    Path f = Path.of("/etc/subuid");
    if (!Files.isReadable(f)) {
      return -1;
    }
    for (String line : Files.readAllLines(f)) {
      String[] x = line.split(":");
      if (x.length == 3 && x[0].equals(user)) {
        return Long.parseLong(x[1]);
      }
    }
    return -1;
  }
}
