package dev.strata.cli;

import static dev.strata.cli.StrataProcess.fixture;
import static dev.strata.cli.StrataProcess.strata;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** strata run NAME: an image from the store, with its config, as issue 5's acceptance says. */
class RunImageIT {
  @TempDir Path dir;

  @AfterEach
  void emptyTempDir() throws Exception {
    StrataProcess.removeContents(dir);
  }

  @Test
  void busyboxByName() throws Exception {
    Path s = dir.resolve("store");
    strata(s, "import", fixture("busybox.tar").toString(), "busybox:latest").ok();
    assertTrue(strata(s, "run", "busybox:latest", "id").ok().out().startsWith("uid=0(root) gid=0(root)"));
    assertEquals(3, strata(s, "run", "--rm", "busybox", "sh", "-c", "exit 3").exit());
    String dev = strata(s, "run", "--network", "none", "busybox", "cat", "/proc/net/dev").ok().out();
    assertEquals(1, dev.lines().skip(2).count(), "only lo: " + dev);
    assertTrue(dev.contains("lo:"), dev);
    String ps = strata(s, "run", "busybox", "ps", "-o", "pid").ok().out();
    assertTrue(ps.lines().skip(1).allMatch(l -> Integer.parseInt(l.strip()) <= 3), "host processes visible:\n" + ps);
    // the image's config: CMD (/bin/sh), ENV, WORKDIR and USER apply; -e/-w/-u override
    Path ctx = java.nio.file.Files.createDirectories(dir.resolve("ctx"));
    java.nio.file.Files.writeString(ctx.resolve("Dockerfile"),
        "FROM busybox\nENV GREETING=hi\nWORKDIR /work\nUSER nobody\nCMD [\"sh\",\"-c\",\"echo $GREETING $(pwd) $(id -u)\"]\n");
    strata(s, "build", "-t", "cfg", ctx.toString()).ok();
    assertEquals("hi /work 65534", strata(s, "run", "--rm", "cfg").ok().out().strip());
    assertEquals("yo /tmp 0", strata(s, "run", "--rm", "-e", "GREETING=yo", "-w", "/tmp", "-u", "0", "cfg").ok().out().strip());
  }

  @Test
  void volumesAndTmpfsInAnImage() throws Exception {
    Path s = dir.resolve("store");
    strata(s, "import", fixture("busybox.tar").toString(), "busybox:latest").ok();
    Path vol = java.nio.file.Files.createDirectories(dir.resolve("vol"));
    java.nio.file.Files.writeString(vol.resolve("in"), "from host\n");
    String out =
        strata(
                s,
                "run",
                "--rm",
                "-v",
                vol + ":/srv/vol",
                "--tmpfs",
                "/srv/vol/t:size=2m",
                "busybox",
                "sh",
                "-c",
                "cat /srv/vol/in; echo w >/srv/vol/out; df -k /srv/vol/t | tail -1")
            .ok()
            .out();
    assertTrue(out.startsWith("from host\n"), out);
    assertEquals("2048", out.lines().toList().get(1).trim().split("\\s+")[1], out);
    assertEquals("w\n", java.nio.file.Files.readString(vol.resolve("out")));
    assertEquals(
        java.util.List.of("in", "out"),
        java.nio.file.Files.list(vol).map(p -> p.getFileName().toString()).sorted().toList(),
        "the tmpfs mount point made in the volume is removed");
    // Nothing of the mounts in the image: a fresh run sees no /srv.
    assertEquals(1, strata(s, "run", "--rm", "busybox", "test", "-e", "/srv").exit());
    StrataProcess.Result bad = strata(s, "run", "-v", "/tmp", "busybox", "true");
    assertEquals(2, bad.exit(), bad.err());
    assertTrue(bad.err().contains("Usage: strata run"), bad.err());
  }
}
