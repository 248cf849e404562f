package dev.strata.registry;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real distribution v2 registry ({@code docker-registry}, Debian's package) on 127.0.0.1 and a
 * free port, for one test class; storage and config in a temporary directory. Absent means the test
 * fails naming the package, never skips.
 */
final class LocalRegistry implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path log;

  private LocalRegistry(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  static Path binary() {
    for (String dir : (System.getenv("PATH") + ":/usr/bin:/usr/sbin").split(":")) {
      Path p = Path.of(dir, "docker-registry");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    fail(
        "docker-registry is not installed (apt-get install docker-registry); scripts/test installs it as root");
    return null;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** A registry without auth. */
  static LocalRegistry start(Path dir) throws Exception {
    return start(dir, "");
  }

  /** A registry behind htpasswd Basic auth (bcrypt file made with {@code htpasswd -B}). */
  static LocalRegistry withHtpasswd(Path dir, String user, String password) throws Exception {
    Path htpasswd = dir.resolve("htpasswd");
    Files.createDirectories(dir);
    Path tool = null;
    for (String d : (System.getenv("PATH") + ":/usr/bin").split(":")) {
      if (Files.isExecutable(Path.of(d, "htpasswd"))) {
        tool = Path.of(d, "htpasswd");
        break;
      }
    }
    if (tool == null) {
      fail(
          "htpasswd is not installed (apt-get install apache2-utils); scripts/test installs it as root");
    }
    Process p =
        new ProcessBuilder(tool.toString(), "-Bbc", htpasswd.toString(), user, password)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      fail("htpasswd failed: " + out);
    }
    return start(dir, "auth:\n  htpasswd:\n    realm: strata-test\n    path: " + htpasswd + "\n");
  }

  /** A registry that trusts Bearer tokens signed by {@code token}'s key. */
  static LocalRegistry withToken(Path dir, TokenServer token) throws Exception {
    return start(
        dir,
        "auth:\n  token:\n    realm: "
            + token.realm()
            + "\n    service: "
            + TokenServer.SERVICE
            + "\n    issuer: "
            + TokenServer.ISSUER
            + "\n    rootcertbundle: "
            + token.certificate()
            + "\n");
  }

  private static LocalRegistry start(Path dir, String auth) throws Exception {
    Path bin = binary();
    Files.createDirectories(dir);
    Path log = dir.resolve("registry.log");
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = freePort();
      Path config = dir.resolve("config.yml");
      Files.writeString(
          config,
          "version: 0.1\nlog:\n  level: info\n  accesslog:\n    disabled: false\nstorage:\n  filesystem:\n    rootdirectory: "
              + dir.resolve("data")
              + "\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:"
              + port
              + "\n"
              + auth);
      ProcessBuilder pb =
          new ProcessBuilder(bin.toString(), "serve", config.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      // docker-registry takes REGISTRY_<SECTION>_<KEY> from its environment as configuration:
      // a caller's REGISTRY_AUTH_FILE (podman's auth file) would be read as auth.file.
      pb.environment().keySet().removeIf(k -> k.startsWith("REGISTRY_"));
      Process p = pb.start();
      LocalRegistry r = new LocalRegistry(p, port, log);
      if (r.awaitReady()) {
        return r;
      }
      r.close();
    }
    fail("docker-registry did not start; its log:\n" + Files.readString(log));
    return null;
  }

  private boolean awaitReady() throws Exception {
    HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        return false;
      }
      try {
        HttpResponse<Void> r =
            c.send(
                HttpRequest.newBuilder(URI.create("http://" + host() + "/v2/")).build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200 || r.statusCode() == 401) {
          return true;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    return false;
  }

  String host() {
    return "127.0.0.1:" + port;
  }

  int port() {
    return port;
  }

  String log() throws IOException {
    return Files.readString(log);
  }

  private static final Pattern REQUEST =
      Pattern.compile("\"(GET|HEAD|POST|PUT|PATCH|DELETE) (\\S+) HTTP/[0-9.]+\" (\\d{3}) ");

  /**
   * The requests the registry served so far, from its access log, one {@code "METHOD path status"}
   * each, the query left out except a mount's {@code ?mount=...&from=...}.
   */
  List<String> requests() throws IOException {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(log, StandardCharsets.ISO_8859_1)) {
      Matcher m = REQUEST.matcher(line);
      if (m.find()) {
        String path = URLDecoder.decode(m.group(2), StandardCharsets.UTF_8);
        int q = path.indexOf('?');
        if (q >= 0 && !path.contains("mount=")) {
          path = path.substring(0, q);
        }
        out.add(m.group(1) + " " + path + " " + m.group(3));
      }
    }
    return out;
  }

  /** The registry's file holding blob {@code d} (distribution's filesystem driver layout). */
  Path blobFile(dev.strata.oci.Digest d) {
    return log.getParent()
        .resolve("data/docker/registry/v2/blobs/sha256/" + d.hex().substring(0, 2))
        .resolve(d.hex())
        .resolve("data");
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
