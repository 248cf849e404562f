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
    assertTrue(
        strata(s, "run", "busybox:latest", "id").ok().out().startsWith("uid=0(root) gid=0(root)"));
    assertEquals(3, strata(s, "run", "--rm", "busybox", "sh", "-c", "exit 3").exit());
    String dev =
        strata(s, "run", "--network", "none", "busybox", "cat", "/proc/net/dev").ok().out();
    assertEquals(1, dev.lines().skip(2).count(), "only lo: " + dev);
    assertTrue(dev.contains("lo:"), dev);
    String ps = strata(s, "run", "busybox", "ps", "-o", "pid").ok().out();
    assertTrue(
        ps.lines().skip(1).allMatch(l -> Integer.parseInt(l.strip()) <= 3),
        "host processes visible:\n" + ps);
    // the image's config: CMD (/bin/sh), ENV, WORKDIR and USER apply; -e/-w/-u override
    Path ctx = java.nio.file.Files.createDirectories(dir.resolve("ctx"));
    java.nio.file.Files.writeString(
        ctx.resolve("Dockerfile"),
        "FROM busybox\nENV GREETING=hi\nWORKDIR /work\nUSER nobody\nCMD [\"sh\",\"-c\",\"echo $GREETING $(pwd) $(id -u)\"]\n");
    strata(s, "build", "-t", "cfg", ctx.toString()).ok();
    assertEquals("hi /work 65534", strata(s, "run", "--rm", "cfg").ok().out().strip());
    assertEquals(
        "yo /tmp 0",
        strata(s, "run", "--rm", "-e", "GREETING=yo", "-w", "/tmp", "-u", "0", "cfg")
            .ok()
            .out()
            .strip());
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

  /** Unpacked layers (overlay's layers/sha256/*, copy's chains/*) in store {@code s}. */
  private static java.util.List<String> unpacked(Path s) throws Exception {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (String d : new String[] {"layers/layers/sha256", "layers/chains"}) {
      Path p = s.resolve(d);
      if (java.nio.file.Files.isDirectory(p)) {
        try (var l = java.nio.file.Files.list(p)) {
          l.forEach(c -> out.add(d + "/" + c.getFileName()));
        }
      }
    }
    return out;
  }

  @Test
  void pruneFreesTheUnpackedLayersOfRemovedImagesOnly() throws Exception {
    Path s = StrataProcess.busyboxStore(dir);
    Path ctx = StrataProcess.context(dir, "FROM busybox\nRUN echo x > /f\n", java.util.Map.of());
    strata(s, "build", "-t", "t", ctx.toString()).ok();
    assertEquals("x", strata(s, "run", "--rm", "t", "cat", "/f").ok().out().strip());
    assertEquals(
        2, unpacked(s).size(), "busybox's layer and the RUN's, or their chains: " + unpacked(s));
    String none = strata(s, "prune").ok().out();
    assertTrue(none.contains("Removed 0 unpacked layers"), none);
    assertEquals(2, unpacked(s).size());

    strata(s, "rmi", "t").ok();
    String one = strata(s, "prune").ok().out();
    assertTrue(one.contains("Removed 1 unpacked layers"), one);
    java.util.List<String> left = unpacked(s);
    assertEquals(1, left.size(), left.toString());
    String busyboxLayer =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(strata(s, "inspect", "busybox").ok().out())
            .findValue("diff_ids")
            .get(0)
            .asText()
            .substring("sha256:".length());
    assertTrue(left.get(0).endsWith(busyboxLayer), "busybox's own stays: " + left);
    assertEquals(0, strata(s, "run", "--rm", "busybox", "true").exit());

    strata(s, "rmi", "busybox").ok();
    String last = strata(s, "prune").ok().out();
    assertTrue(last.contains("Removed 1 unpacked layers"), last);
    assertEquals(java.util.List.of(), unpacked(s));
    try (var l = java.nio.file.Files.list(s.resolve("layers/tmp"))) {
      assertEquals(0, l.count(), "nothing left half-deleted in layers/tmp");
    }
  }
}
