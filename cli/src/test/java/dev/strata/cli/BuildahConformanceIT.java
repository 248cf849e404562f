package dev.strata.cli;

import static dev.strata.cli.StrataProcess.requireTool;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.oci.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conformance cases built by buildah (1.28 here) live, compared with Strata's golden dumps
 * (ConformanceIT): config and every entry of the build's layers, mtimes and history left out (each
 * builder words and dates them its own way). What differs must be exactly what {@code
 * conformance/buildah-differences.txt} lists, each with its reason in a comment; {@code
 * -Dstrata.conformance.update=true} rewrites the list's entries (the reasons are kept by hand).
 * buildah runs hermetic (its own storage, registries.conf and containers.conf through
 * StrataProcess.hermetic, its own root and runroot, vfs), RUN steps with {@code --isolation oci
 * --runtime runc --network host} (this host's quirks: crun refuses its hybrid cgroups, /dev/net/tun
 * is closed to users). Not {@code --isolation chroot}: buildah 1.28's chroot child reads the real
 * user's ~/.config/containers whatever CONTAINERS_CONF says, and failed on scripts/test's
 * deliberately broken one.
 */
class BuildahConformanceIT {
  static final Path LIST = ConformanceIT.ROOT.resolve("buildah-differences.txt");

  @TempDir static Path dir;
  static List<String> global;

  @BeforeAll
  static void busybox() throws Exception {
    requireTool("buildah", "buildah");
    global =
        List.of(
            "buildah",
            "--root",
            dir.resolve("bh").toString(),
            "--runroot",
            dir.resolve("bhr").toString(),
            "--storage-driver",
            "vfs");
    // the same rootfs as Strata's busybox, as buildah's image "busybox"
    String ctr = buildah("from", "scratch").ok().out().strip();
    buildah("add", ctr, StrataProcess.fixture("busybox.tar").toString(), "/").ok();
    buildah("config", "--cmd", "/bin/sh", ctr).ok();
    buildah("commit", "-q", ctr, "localhost/busybox").ok();
    buildah("rm", ctr).ok();
  }

  @AfterAll
  static void emptyTempDir() throws Exception {
    StrataProcess.run(
        List.of(
            "buildah",
            "unshare",
            "rm",
            "-rf",
            dir.resolve("bh").toString(),
            dir.resolve("bhr").toString()),
        Map.of());
    StrataProcess.removeContents(dir);
  }

  private static StrataProcess.Result buildah(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(global);
    cmd.addAll(List.of(args));
    return StrataProcess.run(cmd, Map.of());
  }

  @Test
  void differencesAreTheListedOnes() throws Exception {
    List<Path> cases;
    try (Stream<Path> s = Files.list(ConformanceIT.ROOT)) {
      cases = s.filter(Files::isDirectory).sorted().toList();
    }
    List<String> busyboxIds = new ArrayList<>();
    Json.parse(
            buildah("inspect", "--type", "image", "localhost/busybox")
                .ok()
                .out()
                .getBytes(StandardCharsets.UTF_8))
        .path("OCIv1")
        .path("rootfs")
        .path("diff_ids")
        .forEach(d -> busyboxIds.add(d.asText()));
    TreeSet<String> actual = new TreeSet<>();
    for (Path c : cases) {
      String name = c.getFileName().toString();
      Path ctx = ConformanceIT.context(c, dir.resolve("ctx-" + name));
      ObjectNode theirs = Json.object();
      StrataProcess.Result r =
          buildah(
              "bud",
              "--isolation",
              "oci",
              "--runtime",
              "runc",
              "--network",
              "host",
              "--format",
              "oci",
              "-t",
              "conf-" + name,
              "-f",
              ctx.resolve("Dockerfile").toString(),
              ctx.toString());
      if (r.exit() != 0) {
        theirs.put("error", "fails");
      } else {
        Path out = dir.resolve("out-" + name);
        buildah("push", "-q", "conf-" + name, "oci:" + out).ok();
        ConformanceIT.dump(out, theirs, busyboxIds);
      }
      JsonNode ours = Json.parse(Files.readAllBytes(c.resolve("expected.json")));
      for (String line : compared(ours)) {
        if (!compared(theirs).contains(line)) {
          actual.add(name + ": strata only: " + line);
        }
      }
      for (String line : compared(theirs)) {
        if (!compared(ours).contains(line)) {
          actual.add(name + ": buildah only: " + line);
        }
      }
    }
    if (Boolean.getBoolean("strata.conformance.update")) {
      Files.writeString(LIST, String.join("\n", actual) + "\n");
      return;
    }
    TreeSet<String> listed = new TreeSet<>();
    for (String l : Files.readAllLines(LIST)) {
      if (!l.isBlank() && !l.startsWith("#")) {
        listed.add(l);
      }
    }
    assertEquals(String.join("\n", listed), String.join("\n", actual));
  }

  /** What is compared: config fields, files without mtimes, or that the build failed. */
  private static TreeSet<String> compared(JsonNode dump) {
    TreeSet<String> out = new TreeSet<>();
    if (dump.has("error")) {
      out.add("the build fails");
      return out;
    }
    dump.path("config")
        .fields()
        .forEachRemaining(f -> out.add("config " + f.getKey() + "=" + Json.text(f.getValue())));
    for (JsonNode f : dump.path("files")) {
      out.add(f.asText().replaceAll(" mtime=\\d+$", ""));
    }
    return out;
  }
}
