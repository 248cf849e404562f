package dev.strata.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.strata.nshelper.HelperBinary;
import dev.strata.nshelper.IdMapping;
import dev.strata.nshelper.UserNamespace;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sweep of what dead processes left in the work areas, with real processes and real locks: a
 * live session is kept, a killed one swept from every area, and one whose files belong to a
 * subordinate id (a step chowned them) is left by an open outside the namespace, which still works,
 * and swept by one inside it.
 */
class LeftoversTest {
  @TempDir Path dir;
  private final List<Process> children = new ArrayList<>();

  @AfterEach
  void killChildren() throws InterruptedException {
    for (Process p : children) {
      p.destroyForcibly().waitFor();
    }
  }

  /** A child process holding a session with work in every area; returns its tmp/ dir. */
  private Path holder(Path store, String name) throws Exception {
    Path ready = dir.resolve(name + ".ready");
    Process p =
        ChildJvm.start(
            SessionHolder.class, dir.resolve(name + ".log"), store.toString(), ready.toString());
    children.add(p);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(ready)) {
      assertTrue(p.isAlive(), name + " died: " + Files.readString(dir.resolve(name + ".log")));
      assertTrue(System.nanoTime() < deadline, name + " never opened the store");
      Thread.sleep(20);
    }
    return Path.of(Files.readString(ready));
  }

  private void kill(int i) throws InterruptedException {
    children.get(i).destroyForcibly().waitFor(); // kill -9: no close, no finally
  }

  /** The session's directory in each work area. */
  private static List<Path> areas(Path store, Path tmp) {
    String id = tmp.getFileName().toString();
    List<Path> out = new ArrayList<>();
    for (WorkArea a : WorkArea.values()) {
      out.add(store.resolve(a.path()).resolve(id));
    }
    return out;
  }

  @Test
  void aLiveSessionIsKept_aKilledOneSweptFromEveryArea() throws Exception {
    Path store = dir.resolve("store");
    Path live = holder(store, "live");
    Path dead = holder(store, "dead");
    kill(1);
    areas(store, dead).forEach(d -> assertTrue(Files.isDirectory(d), d + " should be left"));

    try (Store s = Store.open(store)) {
      for (Path d : areas(store, live)) {
        assertTrue(
            Files.isRegularFile(d.resolve("work/data")), "a live session's " + d + " was swept");
      }
      for (Path d : areas(store, dead)) {
        assertFalse(Files.exists(d, LinkOption.NOFOLLOW_LINKS), d + " (killed) was not swept");
      }
      assertFalse(
          Files.exists(Session.lockFile(store, dead.getFileName().toString())),
          "a swept session's lock file stays");
      assertFalse(s.hasLeftovers(true), "nothing left to sweep");
    }
    kill(0);
    try (Store s = Store.open(store)) {
      areas(store, live)
          .forEach(d -> assertFalse(Files.exists(d), d + " (now killed) was not swept"));
    }
  }

  @Test
  void aStoreOpenedTwiceInOneJvm_keepsTheFirstSessionLocked() throws Exception {
    Path store = dir.resolve("store");
    try (Store first = Store.open(store)) {
      // The second open sweeps; were it to open and close the first's lock file, the kernel would
      // drop the first's lock with it (fcntl locks are the process's), and another process would
      // then take the first for dead.
      Store.open(store).close();
      Process p = ChildJvm.start(StoreOpener.class, dir.resolve("opener.log"), store.toString());
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "opener hung");
      assertEquals(0, p.exitValue(), Files.readString(dir.resolve("opener.log")));
      assertTrue(Files.isDirectory(first.tmp()), "another process swept a live session");
    }
  }

  @Test
  void aClosedStoreLeavesNothing() throws Exception {
    Path store = dir.resolve("store");
    Process p =
        ChildJvm.start(
            SessionHolder.class,
            dir.resolve("c.log"),
            store.toString(),
            dir.resolve("c.ready").toString(),
            "close");
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "holder hung");
    assertEquals(0, p.exitValue(), Files.readString(dir.resolve("c.log")));
    for (WorkArea a : WorkArea.values()) {
      try (var l = Files.list(store.resolve(a.path()))) {
        assertEquals(List.of(), l.toList(), a.path() + " after close");
      }
    }
  }

  @Test
  void aLoneLockFile_isTakenOnlyWhenOld() throws Exception {
    Path store = dir.resolve("store");
    Store.open(store).close();
    Path fresh = Session.lockFile(store, "00000000-0000-4000-8000-000000000001");
    Path old = Session.lockFile(store, "00000000-0000-4000-8000-000000000002");
    Files.createFile(fresh); // a process starting this moment: its directory comes next
    Files.createFile(old); // killed between its lock and its directory
    Files.setLastModifiedTime(old, FileTime.from(Instant.now().minusSeconds(600)));
    Store.open(store).close();
    assertTrue(Files.exists(fresh), "a fresh lone lock file may be a session starting");
    assertFalse(Files.exists(old), "an old lone lock file is a dead session's");
  }

  @Test
  void strays_ofOlderStratas_areLeftByOpen_andTakenByPrune() throws Exception {
    Path store = dir.resolve("store");
    Path stray = Files.createDirectories(store.resolve("layers/work/snap-123/upper"));
    Files.write(stray.resolve("f"), new byte[4096]);
    try (Store s = Store.open(store)) {
      assertTrue(
          Files.exists(stray),
          "no process owns a stray: only prune, which locks all out, takes it");
      assertTrue(s.hasLeftovers(true));
      Store.Recovered r = s.sweepLeftovers();
      assertEquals(new Store.Freed(1, 4096), r.freed());
      assertEquals(List.of(), r.left());
      assertFalse(Files.exists(store.resolve("layers/work/snap-123")));
    }
  }

  @Test
  void subordinateIdFiles_areLeftOutsideTheNamespace_andSweptInside() throws Exception {
    Path store = dir.resolve("store");
    Path dead = holder(store, "dead");
    kill(0);
    HelperBinary helper = HelperBinary.in(dir.resolve("nshelper"));
    IdMapping mapping = UserNamespace.mappingFor(Optional.empty());
    if (mapping.mode() != IdMapping.Mode.SUBIDS) {
      fail(
          "needs an unprivileged user with /etc/subuid and /etc/subgid ranges and newuidmap "
              + "(uidmap); the mapping here is "
              + mapping.mode().word()
              + " (scripts/test runs the "
              + "tests as strata-test, which has them)");
    }
    // What a step does to a bind-rw copy or in its upper dir: files of a subordinate id.
    Path owned = dead.resolve("work");
    assertEquals(
        0,
        UserNamespace.enter(helper, mapping, List.of("chown", "-R", "1000:1000", owned.toString())),
        "chown in the namespace");

    try (Store s = Store.open(store)) { // outside: EACCES on those files, and no failure
      assertTrue(
          Files.isRegularFile(owned.resolve("data")),
          "the sweep outside deleted a subordinate id's file");
      assertTrue(s.hasLeftovers(false), "the leftover is still to sweep");
      for (Path d : areas(store, dead).subList(1, 3)) {
        assertFalse(Files.exists(d), d + " (its own files) should be swept outside too");
      }
    }
    List<String> java =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            StoreOpener.class.getName(),
            store.toString());
    assertEquals(0, UserNamespace.enter(helper, mapping, java), "an open inside the namespace");
    assertFalse(Files.exists(dead), "the open inside the namespace left " + dead);
    try (Store s = Store.open(store)) {
      assertFalse(s.hasLeftovers(true));
    }
  }
}
