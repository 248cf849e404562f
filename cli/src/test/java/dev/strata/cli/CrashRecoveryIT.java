package dev.strata.cli;

import static dev.strata.cli.StrataProcess.bin;
import static dev.strata.cli.StrataProcess.busyboxStore;
import static dev.strata.cli.StrataProcess.context;
import static dev.strata.cli.StrataProcess.removeContents;
import static dev.strata.cli.StrataProcess.run;
import static dev.strata.cli.StrataProcess.strata;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: builds killed with SIGKILL, the whole process tree at once as a CI runner's timeout
 * kills it (the JVM, the JVM it re-executes inside the namespace, the helpers and the step), at
 * points a seeded random delay picks, while a {@code RUN --mount=type=bind,rw} step chowns its
 * files to a subordinate id. Afterwards {@code images}, a rebuild and {@code prune} work, and prune
 * reclaims every leftover byte and says how many.
 */
class CrashRecoveryIT {
  /** The kill points are the same on every run; -Dstrata.crash.seed=N tries others. */
  private static final long SEED = Long.getLong("strata.crash.seed", 14);

  private static final String DOCKERFILE =
      """
      FROM busybox
      RUN --mount=type=bind,target=/mnt,rw chown -R 1000:1000 /mnt \\
       && dd if=/dev/zero of=/mnt/big bs=1024 count=3000 2>/dev/null && chown 1000:1000 /mnt/big \\
       && mkdir /out && dd if=/dev/zero of=/out/big bs=1024 count=2000 2>/dev/null \\
       && chown -R 1000:1000 /out && sleep 3
      """;

  @TempDir Path dir;

  @AfterEach
  void cleanUp() throws Exception {
    removeContents(dir);
  }

  @Test
  void killedBuilds_leaveAStoreThatWorks_andPruneReclaimsEveryByte() throws Exception {
    Path store = busyboxStore(dir);
    Map<String, String> files = new LinkedHashMap<>();
    for (int i = 0; i < 100; i++) {
      files.put("src/f" + i, "file " + i + "\n");
    }
    Path ctx = context(dir, DOCKERFILE, files);
    Random random = new Random(SEED);
    boolean sawSubordinateIds = false;
    for (int kill = 0; kill < 3; kill++) {
      // The first kill lands anywhere from the start (before the namespace, unpacking, ...); the
      // others while the step runs: after its bind-rw copy exists, as the chown, dd or sleep goes.
      boolean fromStart = kill == 0;
      long delay = fromStart ? 300 + random.nextInt(2700) : 300 + random.nextInt(2200);
      Path log = dir.resolve("build-" + kill + ".log");
      Process build =
          startInOwnGroup(store, log, "build", "--no-cache", "--progress", "plain", ctx.toString());
      if (!fromStart) {
        awaitBindCopy(store, build, log);
      }
      Thread.sleep(delay);
      killTree(build);

      StrataProcess.Result images = strata(store, "images").ok();
      assertTrue(images.out().contains("busybox:latest"), images.out());
      long left = leftoverBytes(store); // what the open outside could not delete
      sawSubordinateIds |= left > 0;
      System.out.printf(
          "kill %d after %d ms%s: %d bytes left that only the namespace may delete%n",
          kill, delay, fromStart ? "" : " of the step", left);
      if (kill % 2 == 0) {
        StrataProcess.Result prune = strata(store, "prune").ok();
        assertEquals(
            Format.bytes(left),
            reportedLeftovers(prune.out()),
            "kill " + kill + " (" + delay + " ms): bytes prune reports\n" + prune.out());
        assertWorkAreasEmpty(store);
      }
      strata(store, "build", "--progress", "plain", ctx.toString()).ok();
    }
    assertTrue(
        sawSubordinateIds,
        "no kill left files of a subordinate id (the case under test): "
            + "the step ran shorter than the kill points; see "
            + dir.resolve("build-1.log"));
    strata(store, "prune").ok();
    assertWorkAreasEmpty(store);
  }

  /**
   * Two builds share the store while a third is killed: the opens that sweep the killed one's
   * leftovers (outside the namespace and inside it) never touch the live build's bind-rw copy or
   * snapshot, which it reads after they ran.
   */
  @Test
  void aLiveBuildsWork_isNeverSwept_byTheOpensOfOtherCommands() throws Exception {
    Path store = busyboxStore(dir);
    Path slow =
        context(
            dir,
            """
        FROM busybox
        RUN --mount=type=bind,target=/mnt,rw echo mine > /mnt/new && mkdir /out && echo up > /out/f \\
         && sleep 6 && test -f /mnt/src/f1 && test -f /mnt/new && test -f /out/f
        """,
            Map.of("src/f1", "x"));
    Path killed = context(dir, DOCKERFILE, Map.of("src/f1", "y"));
    Path log = dir.resolve("live.log");
    Process live =
        startInOwnGroup(store, log, "build", "--no-cache", "--progress", "plain", slow.toString());
    awaitBindCopy(store, live, log);
    Path doomedLog = dir.resolve("doomed.log");
    Process doomed =
        startInOwnGroup(
            store, doomedLog, "build", "--no-cache", "--progress", "plain", killed.toString());
    Thread.sleep(2500);
    killTree(doomed);
    strata(store, "images").ok(); // sweeps outside the namespace
    strata(
            store,
            "build",
            "--no-cache",
            "--progress",
            "plain",
            context(dir, "FROM busybox\nRUN true\n", Map.of()).toString())
        .ok(); // and inside
    assertTrue(live.waitFor(120, TimeUnit.SECONDS), "the live build hung");
    assertEquals(0, live.exitValue(), "the live build lost its work:\n" + Files.readString(log));
    strata(store, "prune").ok();
    assertWorkAreasEmpty(store);
  }

  /**
   * A store made by Strata is 0700, and so is what it makes in it; one open to others is warned
   * about once per command, whether the command runs in one JVM or two.
   */
  @Test
  void theStoreIsPrivate_andOneOpenToOthersIsWarnedAboutOncePerCommand() throws Exception {
    Path store = busyboxStore(dir);
    Path ctx =
        context(dir, "FROM busybox\nRUN --mount=type=cache,target=/c touch /c/x\n", Map.of());
    strata(store, "build", ctx.toString()).ok();
    for (String d :
        List.of(
            "",
            "tmp",
            "blobs",
            "blobs/sha256",
            "index",
            "index/db",
            "layers",
            "layers/tmp",
            "layers/work",
            "layers/layers",
            "cache-mounts",
            "nshelper")) {
      assertEquals(
          "rwx------",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(store.resolve(d))),
          "store/" + d);
    }
    Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rwxr-xr-x"));
    String warning =
        "Warning: store " + store + " is readable by other users (mode 0755); chmod 700 " + store;
    StrataProcess.Result images = strata(store, "images").ok();
    assertEquals(List.of(warning), images.err().lines().toList());
    // A build that enters the namespace runs the command twice (two JVMs): still one warning.
    StrataProcess.Result build =
        strata(store, "build", "--no-cache", "--progress", "plain", ctx.toString()).ok();
    assertEquals(1, build.err().lines().filter(warning::equals).count(), build.err());
    // run enters the namespace before it opens the store: warned about all the same, once.
    StrataProcess.Result run = strata(store, "run", "--rm", "busybox", "true").ok();
    assertEquals(1, run.err().lines().filter(warning::equals).count(), run.err());
    assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(store)));
  }

  // ------------------------------------------------------------------ helpers

  /** bin/strata in a process group of its own, which {@link #killTree} kills whole. */
  private static Process startInOwnGroup(Path store, Path log, String... args) throws IOException {
    List<String> cmd =
        new ArrayList<>(List.of("setsid", bin().toString(), "--root", store.toString()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /**
   * SIGKILL to the process group and to every descendant seen (a helper may make a group of its
   * own), as a CI runner's timeout: nothing gets to clean up.
   */
  private static void killTree(Process p) throws Exception {
    List<ProcessHandle> tree = new ArrayList<>();
    tree.add(p.toHandle());
    p.descendants().forEach(tree::add);
    run("kill", "-KILL", "--", "-" + p.pid()); // setsid: the group id is its pid
    tree.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle h : tree) {
      h.onExit().get(30, TimeUnit.SECONDS);
    }
  }

  /** Waits for the step's bind-rw copy in some session's tmp/ (the step is about to run). */
  private static void awaitBindCopy(Path store, Process build, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try (Stream<Path> sessions = Files.list(store.resolve("tmp"))) {
        for (Path s : (Iterable<Path>) sessions::iterator) {
          try (Stream<Path> in = Files.list(s)) {
            if (in.anyMatch(p -> p.getFileName().toString().startsWith("bind-rw-"))) {
              return;
            }
          } catch (IOException e) {
            // a lock file, or a session that just ended
          }
        }
      }
      if (!build.isAlive() || System.nanoTime() > deadline) {
        fail("the build never reached its RUN step:\n" + Files.readString(log));
      }
      Thread.sleep(10);
    }
  }

  /**
   * The bytes of the regular files (each inode once) left in the work areas, counted from inside
   * the namespace, where every one of them can be read.
   */
  private static long leftoverBytes(Path store) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(bin().toString(), "--root", store.toString(), "unshare", "--", "find"));
    for (String area : List.of("tmp", "layers/tmp", "layers/work")) {
      if (Files.isDirectory(store.resolve(area))) { // a kill before the first unpack: no layers/
        cmd.add(store.resolve(area).toString());
      }
    }
    cmd.addAll(List.of("-mindepth", "1", "-type", "f", "-printf", "%i %s\\n"));
    StrataProcess.Result r = run(cmd, Map.of()).ok();
    Set<String> inodes = new HashSet<>();
    long bytes = 0;
    for (String line : r.out().lines().toList()) {
      String[] f = line.split(" ");
      if (inodes.add(f[0])) {
        bytes += Long.parseLong(f[1]);
      }
    }
    return bytes;
  }

  private static final Pattern LEFTOVERS =
      Pattern.compile("(?m)^Removed \\d+ leftovers of interrupted commands, (.+)$");

  private static String reportedLeftovers(String pruneOut) {
    Matcher m = LEFTOVERS.matcher(pruneOut);
    assertTrue(m.find(), "prune does not report leftovers:\n" + pruneOut);
    return m.group(1);
  }

  /** No session's directory or lock is left in tmp/, and layers/tmp and layers/work are empty. */
  private static void assertWorkAreasEmpty(Path store) throws IOException {
    for (String area : List.of("tmp", "layers/tmp", "layers/work")) {
      Path d = store.resolve(area);
      if (!Files.exists(d)) {
        continue;
      }
      try (Stream<Path> l = Files.list(d)) {
        List<String> names = l.map(p -> p.getFileName().toString()).toList();
        assertEquals(List.of(), names, area + " after prune");
      }
    }
  }
}
