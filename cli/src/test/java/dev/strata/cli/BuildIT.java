package dev.strata.cli;

import static dev.strata.cli.StrataProcess.fixture;
import static dev.strata.cli.StrataProcess.requireTool;
import static dev.strata.cli.StrataProcess.run;
import static dev.strata.cli.StrataProcess.strata;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.oci.Json;
import dev.strata.validate.ImageValidator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** strata build end to end, as the user running the tests (scripts/test: an unprivileged one). */
class BuildIT {
  @org.junit.jupiter.api.AfterEach
  void emptyTempDir() throws Exception {
    StrataProcess.removeContents(dir);
  }

  @TempDir Path dir;

  private Path store() throws Exception {
    return StrataProcess.busyboxStore(dir);
  }

  private Path context(String dockerfile, Map<String, String> files) throws Exception {
    return StrataProcess.context(dir, dockerfile, files);
  }

  private static JsonNode json(Path p) throws Exception {
    return Json.parse(Files.readAllBytes(p));
  }

  private static List<String> caches(JsonNode stats) {
    List<String> l = new ArrayList<>();
    stats.get("steps").forEach(s -> l.add(s.get("cache").isNull() ? "-" : s.get("cache").asText()));
    return l;
  }

  @Test
  void rebuildWithNothingChangedRunsNothing() throws Exception {
    Path s = store();
    Path ctx =
        context(
            "FROM busybox\nRUN cat /proc/sys/kernel/random/uuid > /stamp\nCOPY app/ /app/\n"
                + "ENV A=1\nCMD [\"cat\",\"/stamp\"]\n",
            Map.of("app/a.txt", "a", "app/sub/b.txt", "b"));
    Path s1 = dir.resolve("s1.json");
    Path s2 = dir.resolve("s2.json");
    StrataProcess.Result first =
        strata(s, "build", "-t", "t:1", "--stats-json", s1.toString(), ctx.toString()).ok();
    StrataProcess.Result again =
        strata(s, "build", "-t", "t:1", "--stats-json", s2.toString(), ctx.toString()).ok();
    assertTrue(!first.err().contains("no namespace entered"), first.err());
    // a build whose every step hits is served by the first JVM: no unpack, no mount, no re-exec
    assertTrue(again.err().contains("every step cached: no namespace entered"), again.err());
    assertEquals(
        1, again.err().split("STEP 1/", -1).length - 1, "steps are shown once: " + again.err());
    assertEquals(List.of("-", "miss", "miss", "-", "-"), caches(json(s1)));
    assertEquals(List.of("-", "hit", "hit", "-", "-"), caches(json(s2)));
    assertEquals(1.0, json(s2).get("hitRate").asDouble());
    assertEquals(0.0, json(s1).get("hitRate").asDouble());
    // nothing ran, so nothing is new: the same image, as buildah --layers and BuildKit give
    assertEquals(
        first.out().strip(), again.out().strip(), "a no-change rebuild gives the same image id");
    assertEquals(json(s1).get("imageDigest"), json(s2).get("imageDigest"));
    // The RUN wrote a random uuid: a re-run would give another layer. Same layers => not re-run.
    JsonNode l1 =
        Json.parse(strata(s, "inspect", "t:1").ok().out().getBytes(StandardCharsets.UTF_8))
            .get("manifest")
            .get("layers");
    assertEquals(json(s1).get("steps").get(1).get("key"), json(s2).get("steps").get(1).get("key"));
    assertEquals(3, l1.size());
    // every step line names the Dockerfile line
    assertEquals(2, json(s2).get("steps").get(1).get("line").asInt());
    assertEquals(
        "RUN cat /proc/sys/kernel/random/uuid > /stamp",
        json(s2).get("steps").get(1).get("instruction").asText());
    ImageValidator.assertValid(s, "t:1");
  }

  @Test
  void changingOneFileMissesFromItsCopyOn() throws Exception {
    Path s = store();
    Path ctx =
        context(
            "FROM busybox\nRUN echo one > /one\nCOPY a.txt /a\nRUN cat /a > /b\n",
            Map.of("a.txt", "v1"));
    strata(s, "build", "-t", "c", ctx.toString()).ok();
    Files.writeString(ctx.resolve("a.txt"), "v2");
    Path st = dir.resolve("st.json");
    strata(s, "build", "-t", "c", "--stats-json", st.toString(), ctx.toString()).ok();
    assertEquals(List.of("-", "hit", "miss", "miss"), caches(json(st)));
    // a .dockerignore'd file changing does not matter
    Files.writeString(ctx.resolve(".dockerignore"), "ignored.txt\n");
    Files.writeString(ctx.resolve("ignored.txt"), "x");
    Path ctx2Df = ctx.resolve("Dockerfile");
    Files.writeString(ctx2Df, "FROM busybox\nRUN echo one > /one\nCOPY . /ctx/\n");
    strata(s, "build", "-t", "c", ctx.toString()).ok();
    Files.writeString(ctx.resolve("ignored.txt"), "y");
    strata(s, "build", "-t", "c", "--stats-json", st.toString(), ctx.toString()).ok();
    assertEquals(List.of("-", "hit", "hit"), caches(json(st)));
    ImageValidator.assertValid(s, "c");
  }

  @Test
  void sourceDateEpochGivesTheSameDigestInTwoStores() throws Exception {
    Path ctx =
        context(
            "FROM busybox\nRUN echo hi > /hi && mkdir -p /d && touch /d/f\nCOPY a /a\nLABEL x=y\n",
            Map.of("a", "a"));
    List<String> digests = new ArrayList<>();
    for (String name : List.of("s1", "s2")) {
      Path s = dir.resolve(name);
      Map<String, String> env = Map.of("SOURCE_DATE_EPOCH", "1700000000");
      strata(s, env, "import", fixture("busybox.tar").toString(), "busybox").ok();
      Path st = dir.resolve(name + ".json");
      strata(s, env, "build", "-t", "r", "--stats-json", st.toString(), ctx.toString()).ok();
      digests.add(json(st).get("imageDigest").asText());
    }
    assertEquals(digests.get(0), digests.get(1));
    ImageValidator.assertValid(dir.resolve("s1"), "r");
  }

  @Test
  void failingRunExitsOneNamingTheLineAndTheStoreStaysUsable() throws Exception {
    Path s = store();
    Path ctx = context("FROM busybox\nRUN true\nRUN echo about to fail && exit 7\n", Map.of());
    StrataProcess.Result r = strata(s, "build", "-t", "f", ctx.toString());
    assertEquals(1, r.exit(), r.err());
    assertTrue(r.err().contains("Dockerfile:3"), r.err());
    assertTrue(r.err().contains("exit status 7"), r.err());
    assertTrue(r.err().contains("about to fail"), "the RUN's output is shown: " + r.err());
    Path ok = context("FROM busybox\nRUN true\n", Map.of());
    strata(s, "build", "-t", "f", ok.toString()).ok();
    ImageValidator.assertValid(s, "f");
  }

  @Test
  void multiStageFromScratchWithTargetAndOutputs() throws Exception {
    requireTool("skopeo", "skopeo");
    Path s = store();
    Path ctx =
        context(
            "FROM busybox AS builder\nWORKDIR /src\nCOPY hello.sh .\nRUN chmod 755 hello.sh && mkdir /out && cp hello.sh /out/hello\n"
                + "RUN echo 'app:x:10001:10001::/:/bin/sh' >> /etc/passwd\n"
                + "FROM scratch\nCOPY --from=builder /out/hello /hello\nCOPY --from=0 /etc/passwd /etc/passwd\n"
                + "USER app\nEXPOSE 8080\nENV PORT=8080\nLABEL org.example=yes\nENTRYPOINT [\"/hello\"]\n",
            Map.of("hello.sh", "#!/bin/sh\necho hello\n"));
    Path oci = dir.resolve("oci");
    Path local = dir.resolve("local");
    strata(
            s,
            "build",
            "-t",
            "final",
            "-o",
            "type=oci,dest=" + oci,
            "-o",
            "type=local,dest=" + local,
            ctx.toString())
        .ok();
    JsonNode img =
        Json.parse(strata(s, "inspect", "final").ok().out().getBytes(StandardCharsets.UTF_8));
    JsonNode cfg = img.get("config").get("config");
    assertEquals("app", cfg.get("User").asText());
    assertEquals("[\"/hello\"]", cfg.get("Entrypoint").toString());
    assertTrue(cfg.get("ExposedPorts").has("8080/tcp"));
    assertEquals("yes", cfg.get("Labels").get("org.example").asText());
    assertEquals(2, img.get("manifest").get("layers").size(), "scratch + two COPY layers");
    assertEquals("#!/bin/sh\necho hello\n", Files.readString(local.resolve("hello")));
    assertTrue(Files.isExecutable(local.resolve("hello")));
    assertTrue(Files.readString(local.resolve("etc/passwd")).contains("app:x:10001"));
    run("skopeo", "inspect", "oci:" + oci + ":final:latest").ok();
    // --target stops at the builder: its layers, its config
    strata(s, "build", "-t", "b", "--target", "builder", ctx.toString()).ok();
    JsonNode b = Json.parse(strata(s, "inspect", "b").ok().out().getBytes(StandardCharsets.UTF_8));
    assertEquals("/src", b.get("config").get("config").get("WorkingDir").asText());
    assertNotEquals(img.get("id").asText(), b.get("id").asText());
    ImageValidator.assertValidLayout(s); // final, b and the busybox base
    ImageValidator.assertValidLayout(oci);
  }

  @Test
  void dockerfileErrorsNameFileLineAndColumn() throws Exception {
    Path s = store();
    Path ctx = context("FROM busybox\nRUNN true\n", Map.of());
    StrataProcess.Result r = strata(s, "build", ctx.toString());
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("Dockerfile:2:1"), r.err());
    Path missing = context("FROM nosuch:image\nRUN true\n", Map.of());
    r = strata(s, "build", missing.toString());
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("Dockerfile:1") && r.err().contains("nosuch:image"), r.err());
    Path copyMissing = context("FROM busybox\nCOPY nothere /x\n", Map.of());
    r = strata(s, "build", copyMissing.toString());
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("nothere"), r.err());
  }

  @Test
  void addUnpacksALocalTarArchive_andAnSshMountNoAgentWasGivenForIsSkipped() throws Exception {
    Path s = store();
    Path ctx =
        context(
            "FROM busybox\nADD stuff.tar.gz /opt/\nADD plain.txt /opt/plain.txt\n",
            Map.of("plain.txt", "p"));
    Path inner = Files.createDirectories(dir.resolve("inner/stuff"));
    Files.writeString(inner.resolve("x.txt"), "x");
    run(
            "tar",
            "-C",
            dir.resolve("inner").toString(),
            "-czf",
            ctx.resolve("stuff.tar.gz").toString(),
            "stuff")
        .ok();
    Path local = dir.resolve("out");
    strata(s, "build", "-o", "type=local,dest=" + local, ctx.toString()).ok();
    assertEquals("x", Files.readString(local.resolve("opt/stuff/x.txt")));
    assertEquals("p", Files.readString(local.resolve("opt/plain.txt")));
    // an ssh mount without --ssh and not required is skipped, as BuildKit does: no socket, no
    // SSH_AUTH_SOCK (RunMountIT has a real agent, and the required case)
    Path m =
        context(
            "FROM busybox\nRUN --mount=type=ssh sh -c 'echo \"[$SSH_AUTH_SOCK]\" > /sock;"
                + " ls /run/buildkit 2>/dev/null | wc -l >> /sock'\n",
            Map.of());
    strata(s, "build", "-t", "nossh", m.toString()).ok();
    assertEquals("[]\n0\n", strata(s, "run", "--rm", "nossh", "cat", "/sock").ok().out());
  }

  @Test
  void ctrlCMidBuildLeavesNoProcessAndAValidStore() throws Exception {
    Path s = store();
    String marker = "sleep 4" + (System.nanoTime() % 1000 + 100); // a command line no one else runs
    Path ctx =
        context("FROM busybox\nRUN echo started && " + marker + "\nRUN echo never\n", Map.of());
    Path log = dir.resolve("interrupted.log");
    Process p = StrataProcess.start(s, log, "build", "-t", "ctrlc", ctx.toString());
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!Files.readString(log).contains("started")) {
      assertTrue(p.isAlive(), "build ended early: " + Files.readString(log));
      assertTrue(System.nanoTime() < deadline, "RUN never started: " + Files.readString(log));
      Thread.sleep(50);
    }
    run("kill", "-INT", String.valueOf(p.pid())).ok();
    assertTrue(
        p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "build did not stop on SIGINT");
    assertNotEquals(0, p.exitValue());
    Thread.sleep(500);
    StrataProcess.Result ps = run("pgrep", "-f", marker);
    assertEquals(1, ps.exit(), "a sandboxed process survived: " + ps.out());
    // the store is whole: names read, skopeo reads it, and the next build works
    strata(s, "images").ok();
    run("skopeo", "inspect", "oci:" + s + ":busybox:latest").ok();
    Path ok = context("FROM busybox\nRUN echo fine > /f\n", Map.of());
    strata(s, "build", "-t", "after", ok.toString()).ok();
    try (var tmp = Files.list(s.resolve("tmp"))) {
      assertEquals(
          0, tmp.filter(Files::isDirectory).count(), "the interrupted session's tmp was swept");
    }
    ImageValidator.assertValidLayout(s);
  }
}
