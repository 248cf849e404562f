package dev.strata.cli;

import static dev.strata.cli.StrataProcess.fixture;
import static dev.strata.cli.StrataProcess.strata;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.oci.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code RUN --mount} (cache, bind, tmpfs, secret), {@code --secret} and stages that build at the
 * same time, end to end through bin/strata as the user running the tests. What a step saw is
 * written into the image and read back with {@code strata run}; what must not leak is looked for in
 * the saved image's layers.
 */
class RunMountIT {
  @TempDir Path dir;

  @AfterEach
  void emptyTempDir() throws Exception {
    StrataProcess.removeContents(dir);
  }

  private Path store() throws Exception {
    return StrataProcess.busyboxStore(dir);
  }

  private Path context(String dockerfile, Map<String, String> files) throws Exception {
    return StrataProcess.context(dir, dockerfile, files);
  }

  private static String cat(Path s, String image, String file) throws Exception {
    return strata(s, "run", "--rm", image, "cat", file).ok().out();
  }

  /** Every path in the image's layers, from a docker-archive save listed with tar. */
  private List<String> layerPaths(Path s, String image) throws Exception {
    Path archive = dir.resolve(image.replace(':', '_') + ".tar");
    strata(s, "save", image, "-o", archive.toString()).ok();
    Path x = Files.createDirectories(dir.resolve("x-" + image.replace(':', '_')));
    StrataProcess.run("tar", "-xf", archive.toString(), "-C", x.toString()).ok();
    List<String> out = new ArrayList<>();
    try (var w = Files.walk(x)) {
      for (Path p : (Iterable<Path>) w::iterator) {
        if (p.getFileName().toString().equals("layer.tar") || p.toString().contains("/blobs/")) {
          if (Files.isRegularFile(p)) {
            StrataProcess.Result l = StrataProcess.run("tar", "-tf", p.toString());
            if (l.exit() == 0) {
              out.addAll(List.of(l.out().split("\n")));
            }
          }
        }
      }
    }
    return out;
  }

  private static List<String> caches(Path stats) throws Exception {
    List<String> l = new ArrayList<>();
    Json.parse(Files.readAllBytes(stats))
        .get("steps")
        .forEach(s -> l.add(s.get("cache").isNull() ? "-" : s.get("cache").asText()));
    return l;
  }

  @Test
  void cacheMountPersistsBetweenBuildsAndStaysOutOfTheImage() throws Exception {
    Path s = store();
    Path ctx =
        context(
            "FROM busybox\n"
                + "RUN --mount=type=cache,target=/var/cache/app sh -c 'echo run >> /var/cache/app/log; wc -l < /var/cache/app/log > /count'\n",
            Map.of());
    strata(s, "build", "-t", "c:1", ctx.toString()).ok();
    assertEquals("1", cat(s, "c:1", "/count").strip());
    strata(s, "build", "--no-cache", "-t", "c:2", ctx.toString()).ok();
    assertEquals("2", cat(s, "c:2", "/count").strip(), "the second run saw the first run's file");
    List<String> paths = layerPaths(s, "c:2");
    assertTrue(paths.contains("count"), paths.toString());
    assertFalse(
        paths.stream().anyMatch(p -> p.startsWith("var/cache")), "mount point leaked: " + paths);

    // a plain prune keeps cache mounts; --cache-mounts empties them, and the next run starts afresh
    String kept = strata(s, "prune").ok().out();
    assertFalse(kept.contains("cache mounts"), kept);
    assertEquals(1, cacheMounts(s).size(), cacheMounts(s).toString());
    String pruned = strata(s, "prune", "--cache-mounts").ok().out();
    assertTrue(pruned.contains("Removed 1 cache mounts"), pruned);
    assertEquals(List.of(), cacheMounts(s));
    strata(s, "build", "--no-cache", "-t", "c:3", ctx.toString()).ok();
    assertEquals("1", cat(s, "c:3", "/count").strip(), "the pruned cache was not empty");
  }

  /** The store's cache mount directories and locks. */
  private static List<String> cacheMounts(Path s) throws Exception {
    try (var l = Files.list(s.resolve("cache-mounts"))) {
      return l.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void bindMountFromTheContextIsKeyedByItsContentAndHonoursDockerignore() throws Exception {
    Path s = store();
    Path ctx =
        context(
            "FROM busybox\n"
                + "RUN --mount=type=bind,source=data,target=/data sh -c 'cat /data/a.txt > /got; ls /data > /listing'\n"
                + "RUN --mount=type=bind,target=/ctx,rw sh -c 'echo w > /ctx/written-by-run'\n",
            Map.of(
                "data/a.txt", "v1", "data/secret.key", "k", ".dockerignore", "data/secret.key\n"));
    Path st1 = dir.resolve("st1.json");
    strata(s, "build", "-t", "b:1", "--stats-json", st1.toString(), ctx.toString()).ok();
    assertEquals("v1", cat(s, "b:1", "/got"));
    assertEquals(
        "a.txt", cat(s, "b:1", "/listing").strip(), ".dockerignore'd files are not in the bind");
    assertFalse(Files.exists(ctx.resolve("written-by-run")), "a rw bind's writes are thrown away");
    assertFalse(
        layerPaths(s, "b:1").stream().anyMatch(p -> p.startsWith("data") || p.startsWith("ctx")));
    // the bind's content is part of the key: an edit re-runs the step, an ignored file does not
    Files.writeString(ctx.resolve("data/secret.key"), "other");
    Path st2 = dir.resolve("st2.json");
    strata(s, "build", "-t", "b:2", "--stats-json", st2.toString(), ctx.toString()).ok();
    assertEquals(List.of("-", "hit", "hit"), caches(st2));
    Files.writeString(ctx.resolve("data/a.txt"), "v2");
    Path st3 = dir.resolve("st3.json");
    strata(s, "build", "-t", "b:3", "--stats-json", st3.toString(), ctx.toString()).ok();
    assertEquals("miss", caches(st3).get(1));
    assertEquals("v2", cat(s, "b:3", "/got"));
  }

  @Test
  void bindMountFromAnotherStage() throws Exception {
    Path s = store();
    Path ctx =
        context(
            "FROM busybox AS src\nRUN echo from-stage > /s.txt\n"
                + "FROM busybox\nRUN --mount=type=bind,from=src,source=/s.txt,target=/m/s.txt cat /m/s.txt > /got\n",
            Map.of());
    strata(s, "build", "-t", "f", ctx.toString()).ok();
    assertEquals("from-stage\n", cat(s, "f", "/got"));
  }

  /**
   * moby's, buildx's and compose's Dockerfiles write {@code RUN --mount=from=binaries ...}: with no
   * target BuildKit mounts at the WORKDIR (InstructionErrorsIT: and refuses a WORKDIR of "/").
   */
  @Test
  void bindMountWithoutATargetLiesAtTheWorkdir() throws Exception {
    Path s = store();
    Path ctx =
        context(
            "FROM busybox AS binaries\nRUN mkdir /out && echo bin > /out/tool\n"
                + "FROM busybox\nWORKDIR /src\n"
                + "RUN --mount=from=binaries,source=/out sh -c 'cat tool > /got; pwd > /pwd'\n"
                + "RUN --mount=type=tmpfs sh -c 'touch scratch-file; ls > /listing'\n",
            Map.of());
    strata(s, "build", "-t", "nt", ctx.toString()).ok();
    assertEquals("bin\n", cat(s, "nt", "/got"));
    assertEquals("/src\n", cat(s, "nt", "/pwd"));
    assertEquals("scratch-file\n", cat(s, "nt", "/listing"), "the tmpfs covered the WORKDIR");
    assertFalse(layerPaths(s, "nt").stream().anyMatch(p -> p.startsWith("src/")));
  }

  @Test
  void tmpfsMountIsSizedAndEmpty() throws Exception {
    Path s = store();
    Path ok =
        context(
            "FROM busybox\nRUN --mount=type=tmpfs,target=/scratch,size=1m sh -c 'df -k /scratch | tail -1 > /df; touch /scratch/x'\n",
            Map.of());
    strata(s, "build", "-t", "t", ok.toString()).ok();
    String df = cat(s, "t", "/df");
    assertTrue(df.contains("tmpfs") && df.matches("(?s).*\\s1024\\s.*"), "a 1 MiB tmpfs: " + df);
    assertFalse(layerPaths(s, "t").stream().anyMatch(p -> p.startsWith("scratch")));
    Path full =
        context(
            "FROM busybox\nRUN --mount=type=tmpfs,target=/scratch,size=1m dd if=/dev/zero of=/scratch/f bs=1024 count=2048\n",
            Map.of());
    StrataProcess.Result r = strata(s, "build", full.toString());
    assertEquals(1, r.exit(), r.err());
    assertTrue(r.err().contains("Dockerfile:2"), r.err());
  }

  @Test
  void secretIsAFileAndAVariableButNeverInALayerOrTheKey() throws Exception {
    Path s = store();
    Path secret = dir.resolve("token.txt");
    Files.writeString(secret, "s3cret-value");
    Path ctx =
        context(
            "FROM busybox\n"
                + "RUN --mount=type=secret,id=tok sh -c 'md5sum < /run/secrets/tok > /md5; stat -c %a /run/secrets/tok > /mode'\n"
                + "RUN --mount=type=secret,id=tok,env=TOKEN,target=/etc/tok sh -c 'printf %s \"$TOKEN\" | md5sum > /env-md5; test -f /etc/tok && echo ok > /file-ok'\n",
            Map.of());
    Path st1 = dir.resolve("s1.json");
    strata(
            s,
            "build",
            "-t",
            "sec",
            "--secret",
            "id=tok,src=" + secret,
            "--stats-json",
            st1.toString(),
            ctx.toString())
        .ok();
    // the Dockerfile never names the value (it would be in the history): compare digests
    String md5 =
        java.util.HexFormat.of()
            .formatHex(
                java.security.MessageDigest.getInstance("MD5")
                    .digest("s3cret-value".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    assertTrue(cat(s, "sec", "/md5").startsWith(md5), "the step read the secret file");
    assertTrue(cat(s, "sec", "/env-md5").startsWith(md5), "the step had the secret as $TOKEN");
    assertEquals("400", cat(s, "sec", "/mode").strip());
    assertEquals("ok", cat(s, "sec", "/file-ok").strip());
    List<String> paths = layerPaths(s, "sec");
    assertFalse(
        paths.stream().anyMatch(p -> p.startsWith("run/secrets") || p.equals("etc/tok")),
        paths.toString());
    Path archive = dir.resolve("sec.tar");
    strata(s, "save", "sec", "-o", archive.toString()).ok();
    assertFalse(
        new String(Files.readAllBytes(archive), java.nio.charset.StandardCharsets.ISO_8859_1)
            .contains("s3cret-value"),
        "the secret's value is in the saved image");
    // another value is no reason to re-run: secrets are not in the key (BuildKit's rule)
    Files.writeString(secret, "rotated-value");
    Path st2 = dir.resolve("s2.json");
    strata(
            s,
            "build",
            "--secret",
            "id=tok,src=" + secret,
            "--stats-json",
            st2.toString(),
            ctx.toString())
        .ok();
    assertEquals(List.of("-", "hit", "hit"), caches(st2));
    // required and missing: the line is named
    Path req =
        context("FROM busybox\nRUN --mount=type=secret,id=nothere,required=true true\n", Map.of());
    StrataProcess.Result r = strata(s, "build", req.toString());
    assertEquals(1, r.exit(), r.err());
    assertTrue(r.err().contains("Dockerfile:2") && r.err().contains("nothere"), r.err());
  }

  @Test
  void lockedCacheMountsTakeTurnsAcrossStagesAndProcesses() throws Exception {
    Path s = store();
    // Each holder makes /c/inuse, keeps it a while, removes it: two at once would see it taken
    // and fail their build (with sharing=shared this test fails).
    String hold =
        "RUN --mount=type=cache,id=lk,sharing=locked,target=/c sh -c "
            + "'mkdir /c/inuse || exit 1; sleep 1; rmdir /c/inuse; echo %s > /%s'\n";
    Path ctx =
        context(
            "FROM busybox AS a\n"
                + String.format(hold, "a", "a")
                + "FROM busybox AS b\n"
                + String.format(hold, "b", "b")
                + "FROM busybox\nCOPY --from=a /a /a\nCOPY --from=b /b /b\n",
            Map.of());
    // two builds of it at the same time, in one store: four holders, two per process
    Path log1 = dir.resolve("l1.log");
    Path log2 = dir.resolve("l2.log");
    Process p1 = StrataProcess.start(s, log1, "build", "--no-cache", ctx.toString());
    Process p2 = StrataProcess.start(s, log2, "build", "--no-cache", ctx.toString());
    assertTrue(
        p1.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)
            && p2.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
    assertEquals(0, p1.exitValue(), Files.readString(log1));
    assertEquals(0, p2.exitValue(), Files.readString(log2));
  }

  @Test
  void independentStagesBuildAtTheSameTime() throws Exception {
    Path s = store();
    // Each stage leaves its mark in a shared cache mount, then waits for the other's: built one
    // after the other, the first would give up after 60 s and fail the build.
    String wait =
        "for i in $(seq 600); do [ -e /sync/%s ] && exit 0; sleep 0.1; done; echo no %s; exit 1";
    Path ctx =
        context(
            "FROM busybox AS a\n"
                + "RUN --mount=type=cache,id=sync,target=/sync sh -c 'touch /sync/a; "
                + String.format(wait, "b", "b")
                + "'\n"
                + "FROM busybox AS b\n"
                + "RUN --mount=type=cache,id=sync,target=/sync sh -c 'touch /sync/b; "
                + String.format(wait, "a", "a")
                + "'\n"
                + "FROM busybox\nCOPY --from=a /bin/busybox /a\nCOPY --from=b /bin/busybox /b\n",
            Map.of());
    Path st = dir.resolve("par.json");
    StrataProcess.Result r =
        strata(s, "build", "-t", "par", "--stats-json", st.toString(), ctx.toString()).ok();
    JsonNode steps = Json.parse(Files.readAllBytes(st)).get("steps");
    assertEquals(7, steps.size(), r.err());
    // step numbers follow the build order whatever finished first
    assertTrue(r.err().contains("[a] STEP 1/7") && r.err().contains("[b] STEP 3/7"), r.err());
  }

  /**
   * A perl one-liner asking the agent at $SSH_AUTH_SOCK for its identities: "12 N" (answer, count).
   */
  private static final String ASK_AGENT =
      "perl -MIO::Socket::UNIX -e 'my $s = IO::Socket::UNIX->new("
          + "Peer => $ENV{SSH_AUTH_SOCK}) or die \"connect $ENV{SSH_AUTH_SOCK}: $!\"; print $s pack(\"NC\", 1, 11);"
          + " read($s, my $h, 9) == 9 or die \"short answer\"; my ($l, $t, $n) = unpack(\"NCN\", $h);"
          + " print \"$t $n\\n\"'";

  @Test
  void sshMountReachesTheUsersAgent_asRootAndAsAnotherUser_andLeavesNoTrace() throws Exception {
    for (String tool : List.of("ssh-agent", "ssh-add", "ssh-keygen")) {
      StrataProcess.requireTool(tool, "openssh-client");
    }
    Path agentSock = dir.resolve("agent.sock");
    StrataProcess.Result agent = StrataProcess.run("ssh-agent", "-a", agentSock.toString(), "-s");
    assertEquals(0, agent.exit(), agent.err());
    String pid = agent.out().replaceAll("(?s).*SSH_AGENT_PID=(\\d+).*", "$1");
    try {
      Path key = dir.resolve("key");
      assertEquals(
          0,
          StrataProcess.run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString())
              .exit());
      StrataProcess.Result add =
          StrataProcess.run(
              List.of("ssh-add", "-q", key.toString()),
              Map.of("SSH_AUTH_SOCK", agentSock.toString()));
      assertEquals(0, add.exit(), add.err());

      Path s = dir.resolve("store");
      strata(s, "import", fixture("golang.tar").toString(), "golang").ok(); // it has perl
      Path ctx =
          context(
              "FROM golang\n"
                  + "RUN --mount=type=ssh "
                  + ASK_AGENT
                  + " > /as-root\n"
                  + "USER nobody\n"
                  + "RUN --mount=type=ssh,id=work,mode=0666 "
                  + ASK_AGENT
                  + " > /tmp/as-nobody\n",
              Map.of());
      strata(
              s,
              "build",
              "--ssh",
              "default=" + agentSock,
              "--ssh",
              "work=" + agentSock,
              "-t",
              "ssh",
              ctx.toString())
          .ok();
      assertEquals("12 1", cat(s, "ssh", "/as-root").strip(), "the agent's one identity, as root");
      assertEquals(
          "12 1", cat(s, "ssh", "/tmp/as-nobody").strip(), "and as nobody, through the relay");
      List<String> paths = layerPaths(s, "ssh");
      assertFalse(
          paths.stream().anyMatch(p -> p.startsWith("run/buildkit")),
          "mount point leaked: " + paths);

      // the socket is not part of the key: another path to the same agent hits
      Path link = dir.resolve("other.sock");
      java.nio.file.Files.createSymbolicLink(link, agentSock);
      Path st = dir.resolve("st.json");
      strata(
              s,
              "build",
              "--ssh",
              "default=" + link,
              "--ssh",
              "work=" + link,
              "--stats-json",
              st.toString(),
              "-t",
              "ssh",
              ctx.toString())
          .ok();
      assertTrue(
          Json.parseObject(Files.readAllBytes(st)).path("hitRate").asDouble() == 1.0,
          Files.readString(st));

      StrataProcess.Result missing =
          strata(
              s, "build", "--no-cache", "--ssh", "default=" + dir.resolve("none"), ctx.toString());
      assertEquals(1, missing.exit(), missing.err());
      assertTrue(missing.err().contains("no agent socket at"), missing.err());
      StrataProcess.Result notGiven =
          strata(
              s,
              "build",
              "--no-cache",
              context("FROM golang\nRUN --mount=type=ssh,required=true true\n", Map.of())
                  .toString());
      assertEquals(1, notGiven.exit(), notGiven.err());
      assertTrue(
          notGiven.err().contains("Dockerfile:2")
              && notGiven.err().contains("ssh agent default is required"),
          notGiven.err());
    } finally {
      StrataProcess.run("kill", pid);
    }
  }
}
