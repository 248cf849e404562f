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
}
