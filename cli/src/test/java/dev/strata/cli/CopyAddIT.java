package dev.strata.cli;

import static dev.strata.cli.StrataProcess.strata;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.strata.oci.Digest;
import dev.strata.oci.Json;
import dev.strata.posix.Posix;
import dev.strata.validate.ArchiveValidator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * COPY/ADD --exclude, --parents, --link and ADD of URLs end to end: the real bin/strata, as the
 * user running the tests (scripts/test: an unprivileged one), a busybox base, an HTTP server of the
 * test's own on 127.0.0.1.
 */
class CopyAddIT {
  @TempDir Path dir;
  private HttpServer server;

  @AfterEach
  void cleanUp() throws Exception {
    if (server != null) {
      server.stop(0);
    }
    StrataProcess.removeContents(dir);
  }

  private Path store() throws Exception {
    return StrataProcess.busyboxStore(dir);
  }

  private Path context(String dockerfile, Map<String, String> files) throws Exception {
    return StrataProcess.context(dir, dockerfile, files);
  }

  private static List<String> caches(Path stats) throws Exception {
    JsonNode j = Json.parse(Files.readAllBytes(stats));
    List<String> l = new ArrayList<>();
    j.get("steps").forEach(s -> l.add(s.get("cache").isNull() ? "-" : s.get("cache").asText()));
    return l;
  }

  private static List<String> keys(Path stats) throws Exception {
    JsonNode j = Json.parse(Files.readAllBytes(stats));
    List<String> l = new ArrayList<>();
    j.get("steps").forEach(s -> l.add(s.get("key").asText()));
    return l;
  }

  @Test
  void excludeLeavesFilesOutOfTheImageAndOutOfTheKey() throws Exception {
    Path s = store();
    Path ctx =
        context(
            "FROM busybox\nCOPY --exclude=*.log --exclude=secret app/ /app/\n"
                + "ADD --exclude=**/*.tmp tree /tree/\n",
            Map.of(
                "app/main.txt",
                "m",
                "app/debug.log",
                "d",
                "app/secret/key",
                "k",
                "tree/a.txt",
                "a",
                "tree/sub/b.tmp",
                "b"));
    Path out = dir.resolve("out");
    Path st = dir.resolve("st.json");
    strata(s, "build", "-t", "ex", "-o", "type=local,dest=" + out, ctx.toString()).ok();
    assertEquals("m", Files.readString(out.resolve("app/main.txt")));
    assertFalse(Files.exists(out.resolve("app/debug.log")));
    assertFalse(Files.exists(out.resolve("app/secret")));
    assertEquals("a", Files.readString(out.resolve("tree/a.txt")));
    assertFalse(Files.exists(out.resolve("tree/sub/b.tmp")));
    // an excluded file changing does not miss; a copied one does
    Files.writeString(ctx.resolve("app/debug.log"), "more");
    strata(s, "build", "-t", "ex", "--stats-json", st.toString(), ctx.toString()).ok();
    assertEquals(List.of("-", "hit", "hit"), caches(st));
    Files.writeString(ctx.resolve("app/main.txt"), "m2");
    strata(s, "build", "-t", "ex", "--stats-json", st.toString(), ctx.toString()).ok();
    assertEquals(List.of("-", "miss", "miss"), caches(st));
  }

  @Test
  void parentsKeepTheSourcePathBelowDest() throws Exception {
    Path s = store();
    Path ctx =
        context(
            "FROM busybox\nCOPY --parents ./x/a.txt ./y/b.txt /dst/\n"
                + "COPY --parents ./src/./lib/c.txt /p/\nCOPY --parents */d.txt /glob/\n",
            Map.of("x/a.txt", "a", "y/b.txt", "b", "src/lib/c.txt", "c", "z/d.txt", "d"));
    Path out = dir.resolve("out");
    strata(s, "build", "-o", "type=local,dest=" + out, ctx.toString()).ok();
    assertEquals("a", Files.readString(out.resolve("dst/x/a.txt")));
    assertEquals("b", Files.readString(out.resolve("dst/y/b.txt")));
    assertEquals("c", Files.readString(out.resolve("p/lib/c.txt")));
    assertFalse(Files.exists(out.resolve("p/src")));
    assertEquals("d", Files.readString(out.resolve("glob/z/d.txt")));
  }

  @Test
  void linkedCopyHitsAfterAnEarlierStepChangedAndIgnoresLowerSymlinks() throws Exception {
    Path s = store();
    String df =
        "FROM busybox\nARG V\nRUN echo $V > /v && mkdir /real && ln -s /real /lnk\n"
            + "COPY --link app.txt /opt/app/\nCOPY --link --chown=nobody app.txt /lnk/\n"
            + "RUN cat /opt/app/app.txt /v > /both\n";
    Path ctx = context(df, Map.of("app.txt", "app\n"));
    Path st1 = dir.resolve("st1.json");
    Path st2 = dir.resolve("st2.json");
    Path out = dir.resolve("out");
    strata(s, "build", "--build-arg", "V=1", "--stats-json", st1.toString(), ctx.toString()).ok();
    strata(
            s,
            "build",
            "--build-arg",
            "V=2",
            "--stats-json",
            st2.toString(),
            "-o",
            "type=local,dest=" + out,
            ctx.toString())
        .ok();
    assertEquals(List.of("-", "-", "miss", "miss", "miss", "miss"), caches(st1));
    // the RUN before changed: the linked copies are found anyway, the RUN after them is not
    assertEquals(List.of("-", "-", "miss", "hit", "hit", "miss"), caches(st2));
    // and the chain key still covers everything below
    assertNotEquals(keys(st1).get(3), keys(st2).get(3));
    assertEquals("app\n2\n", Files.readString(out.resolve("both")));
    // no symlink resolution in the lower layers: /lnk became a directory, /real got nothing
    assertTrue(Files.isDirectory(out.resolve("lnk"), LinkOption.NOFOLLOW_LINKS));
    assertEquals("app\n", Files.readString(out.resolve("lnk/app.txt")));
    assertFalse(Files.exists(out.resolve("real/app.txt")));
    // --chown by name came from the stage's /etc/passwd: checked in the image's layer listing
    Path tar = dir.resolve("img.tar");
    strata(
            s,
            "build",
            "--build-arg",
            "V=2",
            "-o",
            "type=docker-archive,dest=" + tar,
            ctx.toString())
        .ok();
    Path x = Files.createDirectories(dir.resolve("x"));
    StrataProcess.run("tar", "-C", x.toString(), "-xf", tar.toString()).ok();
    JsonNode manifest = Json.parse(Files.readAllBytes(x.resolve("manifest.json"))).get(0);
    List<String> lines = new ArrayList<>();
    for (JsonNode layer : manifest.get("Layers")) {
      String listing =
          StrataProcess.run("tar", "--numeric-owner", "-tvf", x.resolve(layer.asText()).toString())
              .ok()
              .out();
      lines.addAll(List.of(listing.split("\n")));
    }
    assertTrue(
        lines.stream().anyMatch(l -> l.contains(" 65534/65534 ") && l.endsWith(" lnk/app.txt")),
        String.join("\n", lines));
    ArchiveValidator.assertValidDockerArchive(tar);
  }

  @Test
  void addFetchesUrlsWithChecksumChmodAndLastModified() throws Exception {
    byte[] body = "fetched\n".getBytes(StandardCharsets.UTF_8);
    AtomicInteger gets = new AtomicInteger();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/f/tool.txt",
        x -> {
          gets.incrementAndGet();
          x.getResponseHeaders().add("Last-Modified", "Wed, 15 Nov 2023 10:20:30 GMT");
          x.sendResponseHeaders(200, body.length);
          x.getResponseBody().write(body);
          x.close();
        });
    server.createContext(
        "/missing",
        x -> {
          x.sendResponseHeaders(404, -1);
          x.close();
        });
    server.start();
    String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/f/tool.txt";
    String sum = Digest.sha256(body).toString();
    Path s = store();
    Path ctx =
        context(
            "FROM busybox\nADD --checksum="
                + sum
                + " "
                + url
                + " /dl/\n"
                + "ADD --chmod=644 "
                + url
                + " /dl/renamed.txt\n",
            Map.of());
    Path out = dir.resolve("out");
    Path st = dir.resolve("st.json");
    strata(s, "build", "-t", "dl", "-o", "type=local,dest=" + out, ctx.toString()).ok();
    assertEquals("fetched\n", Files.readString(out.resolve("dl/tool.txt")));
    assertEquals(
        0600, Posix.lstat(out.resolve("dl/tool.txt")).permissions(), "Docker's mode for a URL");
    assertEquals(1700043630L, Posix.lstat(out.resolve("dl/tool.txt")).mtimeSec(), "Last-Modified");
    assertEquals("fetched\n", Files.readString(out.resolve("dl/renamed.txt")));
    assertEquals(0644, Posix.lstat(out.resolve("dl/renamed.txt")).permissions());
    // again: the checksummed step hits without a download; the other fetches to know its key
    int before = gets.get();
    strata(s, "build", "-t", "dl", "--stats-json", st.toString(), ctx.toString()).ok();
    assertEquals(List.of("-", "hit", "hit"), caches(st));
    assertEquals(before + 1, gets.get(), "one fetch, for the step without --checksum");

    Digest wrong = Digest.sha256(new byte[] {7});
    Path bad =
        context("FROM busybox\nRUN true\nADD --checksum=" + wrong + " " + url + " /x\n", Map.of());
    StrataProcess.Result r = strata(s, "build", bad.toString());
    assertEquals(1, r.exit(), r.err());
    for (String part : List.of("Dockerfile:3", url, wrong.toString(), sum)) {
      assertTrue(r.err().contains(part), part + " in: " + r.err());
    }
    // with an ETag the next build asks If-None-Match: a 304, a hit, no body; a new body, a miss
    AtomicInteger bodies = new AtomicInteger();
    AtomicInteger notModified = new AtomicInteger();
    String[] current = {"\"one\"", "first\n"};
    server.createContext(
        "/e/conf.txt",
        x -> {
          x.getResponseHeaders().add("ETag", current[0]);
          if (current[0].equals(x.getRequestHeaders().getFirst("If-None-Match"))) {
            notModified.incrementAndGet();
            x.sendResponseHeaders(304, -1);
          } else {
            byte[] b = current[1].getBytes(StandardCharsets.UTF_8);
            bodies.incrementAndGet();
            x.sendResponseHeaders(200, b.length);
            x.getResponseBody().write(b);
          }
          x.close();
        });
    String etagged = "http://127.0.0.1:" + server.getAddress().getPort() + "/e/conf.txt";
    Path ectx = context("FROM busybox\nADD " + etagged + " /conf.txt\n", Map.of());
    strata(s, "build", "-t", "e", ectx.toString()).ok();
    assertEquals(1, bodies.get());
    strata(s, "build", "-t", "e", "--stats-json", st.toString(), ectx.toString()).ok();
    assertEquals(List.of("-", "hit"), caches(st));
    assertEquals(1, notModified.get(), "revalidated");
    assertEquals(1, bodies.get(), "a hit needs no body");
    current[0] = "\"two\"";
    current[1] = "second\n";
    strata(s, "build", "-t", "e", "--stats-json", st.toString(), ectx.toString()).ok();
    assertEquals(List.of("-", "miss"), caches(st));
    assertEquals("second\n", strata(s, "run", "--rm", "e", "cat", "/conf.txt").ok().out());

    String missing = "http://127.0.0.1:" + server.getAddress().getPort() + "/missing/a.tgz";
    r = strata(s, "build", context("FROM busybox\nADD " + missing + " /x\n", Map.of()).toString());
    assertEquals(1, r.exit(), r.err());
    assertTrue(
        r.err().contains("Dockerfile:2") && r.err().contains(missing) && r.err().contains("404"),
        r.err());
  }

  @Test
  void aUrlWithoutNetworkAndGitSourcesAreErrorsNamingTheLine() throws Exception {
    int port;
    try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = ss.getLocalPort(); // closed again: nothing listens there, as without network
    }
    String url = "http://127.0.0.1:" + port + "/f.txt";
    Path s = store();
    StrataProcess.Result r =
        strata(s, "build", context("FROM busybox\nADD " + url + " /f\n", Map.of()).toString());
    assertEquals(1, r.exit(), r.err());
    assertTrue(
        r.err().contains("Dockerfile:2") && r.err().contains(url) && r.err().contains("network"),
        r.err());
    r =
        strata(
            s,
            "build",
            context("FROM busybox\nADD git@github.com:o/r.git /r\n", Map.of()).toString());
    assertEquals(1, r.exit(), r.err());
    assertTrue(
        r.err().contains("Dockerfile:2") && r.err().contains("git@github.com:o/r.git"), r.err());
    r = strata(s, "build", context("FROM busybox\nCOPY " + url + " /f\n", Map.of()).toString());
    assertEquals(1, r.exit(), r.err());
    assertTrue(r.err().contains("Dockerfile:2") && r.err().contains("URL"), r.err());
  }
}
