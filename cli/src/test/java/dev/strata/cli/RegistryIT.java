package dev.strata.cli;

import static dev.strata.cli.StrataProcess.bin;
import static dev.strata.cli.StrataProcess.fixture;
import static dev.strata.cli.StrataProcess.requireTool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.oci.Json;
import dev.strata.validate.ImageValidator;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8 end to end: bin/strata pull/push/login/logout against a real docker-registry on
 * 127.0.0.1, checked by skopeo.
 */
class RegistryIT {
  @TempDir static Path shared;
  @TempDir Path dir;
  static DockerRegistry registry;

  @BeforeAll
  static void start() throws Exception {
    requireTool("skopeo", "skopeo");
    registry = DockerRegistry.start(shared.resolve("registry"), null);
  }

  @AfterAll
  static void stop() throws Exception {
    if (registry != null) {
      registry.close();
    }
  }

  private static JsonNode json(String s) {
    return Json.parse(s.getBytes(StandardCharsets.UTF_8));
  }

  /** bin/strata with a private HOME (no user's auth files or registries.json) and stdin. */
  StrataProcess.Result strata(Path root, String stdin, Map<String, String> env, String... args)
      throws Exception {
    List<String> cmd = new ArrayList<>(List.of(bin().toString(), "--root", root.toString()));
    cmd.addAll(List.of(args));
    Map<String, String> e = new HashMap<>();
    e.put("HOME", dir.resolve("home").toString());
    e.put("XDG_CONFIG_HOME", dir.resolve("home/.config").toString());
    e.put("XDG_RUNTIME_DIR", dir.resolve("home/run").toString());
    e.putAll(env);
    return runWithInput(cmd, e, stdin);
  }

  StrataProcess.Result strata(Path root, String... args) throws Exception {
    return strata(root, null, Map.of(), args);
  }

  static StrataProcess.Result runWithInput(List<String> cmd, Map<String, String> env, String stdin)
      throws Exception {
    Path out = Files.createTempFile("strata-it", ".out");
    Path err = Files.createTempFile("strata-it", ".err");
    try {
      ProcessBuilder pb =
          new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
      StrataProcess.hermetic(pb.environment());
      pb.environment().putAll(env);
      Process p = pb.start();
      try (OutputStream in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!p.waitFor(300, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail("timed out: " + cmd);
      }
      return new StrataProcess.Result(
          p.exitValue(), Files.readString(out), Files.readString(err), cmd);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private String importBusybox(Path store) throws Exception {
    return strata(store, "import", fixture("busybox.tar").toString(), "busybox:latest")
        .ok()
        .out()
        .strip();
  }

  @Test
  void buildPushesWithOutputTypeRegistry() throws Exception {
    Path a = dir.resolve("a");
    importBusybox(a);
    Path ctx = Files.createDirectories(dir.resolve("ctx"));
    Files.writeString(
        ctx.resolve("Dockerfile"),
        "FROM busybox\nRUN echo pushed > /pushed.txt\nCMD [\"cat\", \"/pushed.txt\"]\n");
    String ref = registry.host() + "/strata/built:1";
    StrataProcess.Result b =
        strata(
                a,
                "build",
                "--platform",
                "linux/amd64",
                "--output",
                "type=registry,name=" + ref,
                ctx.toString())
            .ok();
    assertTrue(b.err().contains("--> pushed " + ref + "@sha256:"), b.err());
    JsonNode inspected =
        json(
            StrataProcess.run("skopeo", "inspect", "--tls-verify=false", "docker://" + ref)
                .ok()
                .out());
    assertEquals(2, inspected.get("Layers").size(), inspected.toString());
    JsonNode raw =
        json(
            StrataProcess.run("skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + ref)
                .ok()
                .out());
    assertEquals(
        "application/vnd.oci.image.layer.v1.tar+gzip",
        raw.get("layers").get(1).get("mediaType").asText(),
        "gzip by default for registries");
    // built again, every step cached (no namespace): pushed just the same, here as zstd
    String ref2 = registry.host() + "/strata/built:zstd";
    StrataProcess.Result again =
        strata(
                a,
                "build",
                "--compression",
                "zstd",
                "--output",
                "type=registry,dest=" + ref2,
                ctx.toString())
            .ok();
    assertTrue(again.err().contains("no namespace entered"), again.err());
    JsonNode raw2 =
        json(
            StrataProcess.run(
                    "skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + ref2)
                .ok()
                .out());
    assertEquals(
        "application/vnd.oci.image.layer.v1.tar+zstd",
        raw2.get("layers").get(1).get("mediaType").asText());
    StrataProcess.Result other = strata(a, "build", "--platform", "linux/arm64", ctx.toString());
    assertEquals(1, other.exit(), other.err());
    assertTrue(other.err().contains("--platform linux/arm64"), other.err());
    StrataProcess.run(
            "skopeo",
            "copy",
            "--src-tls-verify=false",
            "docker://" + ref2,
            "oci:" + dir.resolve("pushed") + ":p")
        .ok();
    ImageValidator.assertValidLayout(dir.resolve("pushed")); // what the registry holds, as pushed
  }

  @Test
  void buildxPushPushesEachTagWithItsAnnotations() throws Exception {
    Path a = dir.resolve("a");
    importBusybox(a);
    Path ctx = Files.createDirectories(dir.resolve("ctx"));
    Files.writeString(ctx.resolve("Dockerfile"), "FROM busybox\nRUN echo x > /x\n");
    String ref = registry.host() + "/strata/buildx:1";
    Path meta = dir.resolve("meta.json");
    strata(
            a,
            "build",
            "-t",
            ref,
            "--push",
            "--annotation",
            "org.opencontainers.image.revision=abc",
            "--metadata-file",
            meta.toString(),
            ctx.toString())
        .ok();
    JsonNode inspected =
        json(
            StrataProcess.run("skopeo", "inspect", "--tls-verify=false", "docker://" + ref)
                .ok()
                .out());
    JsonNode m = Json.parse(Files.readAllBytes(meta));
    assertEquals(m.get("containerimage.digest").asText(), inspected.get("Digest").asText());
    JsonNode raw =
        json(
            StrataProcess.run("skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + ref)
                .ok()
                .out());
    assertEquals("abc", raw.get("annotations").get("org.opencontainers.image.revision").asText());
  }

  @Test
  void skopeoReadsWhatStrataPushedAndAFreshStorePullsTheSameDigest() throws Exception {
    Path a = dir.resolve("a");
    String id = importBusybox(a);
    String ref = registry.host() + "/strata/busybox:1";
    StrataProcess.Result push = strata(a, "push", "busybox:latest", "docker://" + ref).ok();
    String digest = push.out().strip();
    assertTrue(digest.startsWith("sha256:"), push.out());
    JsonNode inspected =
        json(
            StrataProcess.run("skopeo", "inspect", "--tls-verify=false", "docker://" + ref)
                .ok()
                .out());
    assertEquals(digest, inspected.get("Digest").asText());
    assertEquals("amd64", inspected.get("Architecture").asText());
    JsonNode raw =
        json(
            StrataProcess.run("skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + ref)
                .ok()
                .out());
    assertEquals(
        "application/vnd.oci.image.layer.v1.tar+gzip",
        raw.get("layers").get(0).get("mediaType").asText());
    // skopeo copies it whole (it verifies every blob) into a layout
    Path layout = dir.resolve("layout");
    StrataProcess.run(
            "skopeo",
            "copy",
            "--src-tls-verify=false",
            "docker://" + ref,
            "oci:" + layout + ":copy")
        .ok();

    Path b = dir.resolve("b");
    String pulledId = strata(b, "pull", ref).ok().out().strip();
    assertEquals(id, pulledId);
    JsonNode insp = json(strata(b, "inspect", ref).ok().out());
    assertEquals(digest, insp.get("digest").asText());
    ImageValidator.assertValidLayout(layout); // the pushed image, as skopeo copied it
    ImageValidator.assertValidLayout(b);
  }

  @Test
  void strataReadsWhatSkopeoPushed() throws Exception {
    Path a = dir.resolve("a");
    String id = importBusybox(a);
    Path archive = dir.resolve("bb.tar");
    strata(a, "save", "busybox:latest", "-o", archive.toString()).ok();
    String ref = registry.host() + "/skopeo/busybox:1";
    StrataProcess.run(
            "skopeo",
            "copy",
            "--dest-tls-verify=false",
            "docker-archive:" + archive,
            "docker://" + ref)
        .ok();
    String skopeoDigest =
        json(StrataProcess.run("skopeo", "inspect", "--tls-verify=false", "docker://" + ref)
                .ok()
                .out())
            .get("Digest")
            .asText();

    Path b = dir.resolve("b");
    assertEquals(id, strata(b, "pull", "docker://" + ref).ok().out().strip());
    JsonNode insp = json(strata(b, "inspect", ref).ok().out());
    assertEquals(skopeoDigest, insp.get("digest").asText());
    // a Docker v2s2 gzip image goes back unchanged: same manifest digest
    String again =
        strata(b, "push", ref, "docker://" + registry.host() + "/skopeo/again:1")
            .ok()
            .out()
            .strip();
    assertEquals(skopeoDigest, again);
    ImageValidator.assertValidLayout(b); // a Docker v2s2 image
  }

  @Test
  void ociLayoutAndArchiveTransports() throws Exception {
    Path a = dir.resolve("a");
    String id = importBusybox(a);
    Path layout = dir.resolve("layout");
    strata(a, "push", "busybox:latest", "oci:" + layout + ":v1").ok();
    JsonNode inspected =
        json(StrataProcess.run("skopeo", "inspect", "oci:" + layout + ":v1").ok().out());
    assertEquals(1, inspected.get("Layers").size());
    assertEquals(id, strata(dir.resolve("b"), "pull", "oci:" + layout + ":v1").ok().out().strip());
    Path oa = dir.resolve("o.tar");
    Path da = dir.resolve("d.tar");
    strata(a, "push", "busybox:latest", "oci-archive:" + oa).ok();
    strata(a, "push", "busybox:latest", "docker-archive:" + da).ok();
    StrataProcess.run("skopeo", "inspect", "docker-archive:" + da).ok();
    assertEquals(id, strata(dir.resolve("c"), "pull", "oci-archive:" + oa).ok().out().strip());
    assertEquals(id, strata(dir.resolve("d"), "pull", "docker-archive:" + da).ok().out().strip());
    for (Path p : List.of(layout, dir.resolve("b"), dir.resolve("c"), dir.resolve("d"))) {
      ImageValidator.assertValidLayout(p);
    }
  }

  @Test
  void offlineAndBadInput() throws Exception {
    StrataProcess.Result off =
        strata(dir.resolve("b"), "pull", "--offline", registry.host() + "/strata/busybox:1");
    assertEquals(1, off.exit(), off.err());
    assertTrue(off.err().contains("offline") && off.err().contains(registry.host()), off.err());
    StrataProcess.Result bad = strata(dir.resolve("b"), "pull", "ftp://x/y");
    assertEquals(2, bad.exit(), bad.err());
    StrataProcess.Result missing =
        strata(dir.resolve("b"), "pull", registry.host() + "/strata/none:1");
    assertEquals(1, missing.exit(), missing.err());
    assertTrue(
        missing.err().contains("fetch manifest " + registry.host() + "/strata/none:1"),
        missing.err());
  }

  @Test
  void loginPushLogoutWithHtpasswdNeverShowingTheSecret() throws Exception {
    String password = "It-Is-A-S3cret";
    try (DockerRegistry auth =
        DockerRegistry.start(dir.resolve("auth-registry"), new String[] {"alice", password})) {
      Path a = dir.resolve("a");
      importBusybox(a);
      Map<String, String> env = Map.of("REGISTRY_AUTH_FILE", dir.resolve("auth.json").toString());
      String ref = "docker://" + auth.host() + "/private/busybox:1";
      StrataProcess.Result anon = strata(a, null, env, "push", "busybox:latest", ref);
      assertEquals(1, anon.exit());
      assertTrue(anon.err().contains("strata login " + auth.host()), anon.err());

      StrataProcess.Result wrong =
          strata(
              a,
              "not-the-password\n",
              env,
              "login",
              "-u",
              "alice",
              "--password-stdin",
              auth.host());
      assertEquals(1, wrong.exit(), wrong.err());
      assertFalse((wrong.out() + wrong.err()).contains("not-the-password"), wrong.err());
      assertFalse(Files.exists(dir.resolve("auth.json")));

      StrataProcess.Result login =
          strata(a, password + "\n", env, "login", "-u", "alice", "--password-stdin", auth.host())
              .ok();
      assertTrue(login.out().contains("Login Succeeded"), login.out());
      assertFalse((login.out() + login.err()).contains(password));
      assertTrue(Files.readString(dir.resolve("auth.json")).contains(auth.host()));
      StrataProcess.Result push =
          strata(a, null, env, "--log-level", "debug", "push", "busybox:latest", ref).ok();
      assertFalse((push.out() + push.err()).contains(password));
      // skopeo reads the same auth file
      StrataProcess.run(
              List.of(
                  "skopeo",
                  "inspect",
                  "--tls-verify=false",
                  "--authfile",
                  dir.resolve("auth.json").toString(),
                  ref),
              Map.of())
          .ok();

      strata(a, null, env, "logout", auth.host()).ok();
      assertFalse(Files.readString(dir.resolve("auth.json")).contains(auth.host()));
      StrataProcess.Result after = strata(dir.resolve("b"), null, env, "pull", ref);
      assertEquals(1, after.exit());
      assertNotEquals("", after.err());
    }
  }

  @Test
  void buildPullsAMissingBaseFromTheRegistryUnlessPullIsNever() throws Exception {
    Path a = dir.resolve("a");
    importBusybox(a);
    String ref = registry.host() + "/base/busybox:1";
    strata(a, "push", "busybox:latest", "docker://" + ref).ok();
    Path ctx = Files.createDirectories(dir.resolve("ctx"));
    Files.writeString(ctx.resolve("Dockerfile"), "FROM " + ref + "\nRUN echo built > /built\n");
    Path b = dir.resolve("b");
    StrataProcess.Result never = strata(b, "build", "--pull", "never", ctx.toString());
    assertEquals(1, never.exit(), never.err());
    assertTrue(never.err().contains("Dockerfile:1") && never.err().contains(ref), never.err());
    strata(b, "build", "-t", "from-registry", ctx.toString()).ok();
    assertTrue(strata(b, "images").ok().out().contains(ref), "the base was pulled into the store");
    ImageValidator.assertValidLayout(b);
    StrataProcess.removeContents(dir);
  }
}

/** A real docker-registry on 127.0.0.1 for end-to-end tests; missing means fail, not skip. */
final class DockerRegistry implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path log;
  private final Path data;

  private DockerRegistry(Process process, int port, Path log, Path data) {
    this.process = process;
    this.port = port;
    this.log = log;
    this.data = data;
  }

  /** {@code userPassword}: null for no auth, else htpasswd Basic auth for that user. */
  static DockerRegistry start(Path dir, String[] userPassword) throws Exception {
    return start(dir, userPassword, false);
  }

  /**
   * As above; with {@code accessLog} every request is a line of {@link #log()} (combined log
   * format).
   */
  static DockerRegistry start(Path dir, String[] userPassword, boolean accessLog) throws Exception {
    requireTool("docker-registry", "docker-registry");
    Files.createDirectories(dir);
    String auth = "";
    if (userPassword != null) {
      requireTool("htpasswd", "apache2-utils");
      Path htpasswd = dir.resolve("htpasswd");
      StrataProcess.run("htpasswd", "-Bbc", htpasswd.toString(), userPassword[0], userPassword[1])
          .ok();
      auth = "auth:\n  htpasswd:\n    realm: strata-it\n    path: " + htpasswd + "\n";
    }
    Path log = dir.resolve("registry.log");
    for (int attempt = 0; attempt < 3; attempt++) {
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      Path config = dir.resolve("config.yml");
      Files.writeString(
          config,
          "version: 0.1\nlog:\n  level: info\n  accesslog:\n    disabled: "
              + !accessLog
              + "\n"
              + "storage:\n  filesystem:\n    rootdirectory: "
              + dir.resolve("data")
              + "\n"
              + "http:\n  addr: 127.0.0.1:"
              + port
              + "\n"
              + auth);
      ProcessBuilder pb =
          new ProcessBuilder("docker-registry", "serve", config.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      StrataProcess.hermeticRegistryServer(pb.environment());
      Process p = pb.start();
      DockerRegistry r = new DockerRegistry(p, port, log, dir.resolve("data"));
      if (r.ready()) {
        return r;
      }
      r.close();
    }
    fail("docker-registry did not start; its log:\n" + Files.readString(log));
    return null;
  }

  private boolean ready() throws Exception {
    HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    for (int i = 0; i < 200 && process.isAlive(); i++) {
      try {
        int s =
            c.send(
                    HttpRequest.newBuilder(URI.create("http://" + host() + "/v2/")).build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode();
        if (s == 200 || s == 401) {
          return true;
        }
      } catch (IOException e) {
        // not yet listening
      }
      Thread.sleep(100);
    }
    return false;
  }

  String host() {
    return "127.0.0.1:" + port;
  }

  /** The registry's output: its log, and the access log when asked for. */
  Path log() {
    return log;
  }

  /** Where the filesystem driver keeps blob {@code digest}'s bytes (a test may alter them). */
  Path blobData(String digest) {
    String hex = digest.substring("sha256:".length());
    return data.resolve("docker/registry/v2/blobs/sha256")
        .resolve(hex.substring(0, 2))
        .resolve(hex)
        .resolve("data");
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
