package dev.strata.solver.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.strata.oci.Digest;
import dev.strata.posix.Posix;
import dev.strata.solver.BuildException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** ADD's URL fetches against a real HTTP server on 127.0.0.1. */
class RemoteFilesTest {
  private static final byte[] BODY = "hello from http\n".getBytes(StandardCharsets.UTF_8);
  private static final String LAST_MODIFIED = "Wed, 15 Nov 2023 10:20:30 GMT";

  @TempDir Path tmp;
  private HttpServer server;
  private final AtomicInteger gets = new AtomicInteger();
  private String base;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/files/hello.txt",
        x -> {
          gets.incrementAndGet();
          x.getResponseHeaders().add("Last-Modified", LAST_MODIFIED);
          x.sendResponseHeaders(200, BODY.length);
          x.getResponseBody().write(BODY);
          x.close();
        });
    server.createContext(
        "/plain",
        x -> {
          x.sendResponseHeaders(200, BODY.length);
          x.getResponseBody().write(BODY);
          x.close();
        });
    server.createContext(
        "/etag/tool.txt",
        x -> {
          String etag = "\"v" + version.get() + "\"";
          x.getResponseHeaders().add("ETag", etag);
          x.getResponseHeaders().add("Last-Modified", LAST_MODIFIED);
          if (etag.equals(x.getRequestHeaders().getFirst("If-None-Match"))) {
            notModified.incrementAndGet();
            x.sendResponseHeaders(304, -1);
            x.close();
            return;
          }
          byte[] body = ("tool v" + version.get() + "\n").getBytes(StandardCharsets.UTF_8);
          bodies.incrementAndGet();
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
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private final AtomicInteger version = new AtomicInteger(1);
  private final AtomicInteger bodies = new AtomicInteger();
  private final AtomicInteger notModified = new AtomicInteger();

  /** The store's url table, as a map. */
  private static final class MapValidators implements RemoteFiles.Validators {
    final java.util.Map<String, dev.strata.index.UrlRecord> m = new java.util.HashMap<>();

    public dev.strata.index.UrlRecord get(String url) {
      return m.get(url);
    }

    public void put(String url, dev.strata.index.UrlRecord r) {
      m.put(url, r);
    }
  }

  @Test
  void anEtagRevalidates_theKeyComesFrom304_andTheBodyOnlyWhenTheStepRuns() throws Exception {
    MapValidators v = new MapValidators();
    String url = base + "/etag/tool.txt";
    byte[] v1 = "tool v1\n".getBytes(StandardCharsets.UTF_8);
    try (RemoteFiles build1 = new RemoteFiles(tmp, v)) {
      RemoteFiles.Fetched f = build1.fetchForKey(url);
      assertEquals(Digest.sha256(v1), f.digest());
      assertEquals("tool v1\n", Files.readString(f.file()));
      assertEquals("\"v1\"", v.get(url).etag());
    }
    try (RemoteFiles build2 = new RemoteFiles(tmp, v)) {
      RemoteFiles.Fetched key = build2.fetchForKey(url);
      assertEquals(1, notModified.get(), "asked If-None-Match");
      assertEquals(1, bodies.get(), "no body for the key");
      assertNull(key.file());
      assertEquals(Digest.sha256(v1), key.digest());
      assertEquals(Instant.parse("2023-11-15T10:20:30Z"), key.lastModified());
      RemoteFiles.Fetched body = build2.fetch(url, null); // the step missed: now the body
      assertEquals("tool v1\n", Files.readString(body.file()));
      assertEquals(2, bodies.get());
    }
    version.set(2); // a new body, a new ETag: a 200, a new key, the record replaced
    try (RemoteFiles build3 = new RemoteFiles(tmp, v)) {
      RemoteFiles.Fetched f = build3.fetchForKey(url);
      assertEquals(Digest.sha256("tool v2\n".getBytes(StandardCharsets.UTF_8)), f.digest());
      assertEquals("\"v2\"", v.get(url).etag());
    }
  }

  @Test
  void aBodyThatChangedAfterThe304_isRefused() throws Exception {
    MapValidators v = new MapValidators();
    String url = base + "/etag/tool.txt";
    try (RemoteFiles build1 = new RemoteFiles(tmp, v)) {
      build1.fetchForKey(url);
    }
    try (RemoteFiles build2 = new RemoteFiles(tmp, v)) {
      assertNull(build2.fetchForKey(url).file());
      version.set(2);
      BuildException e = assertThrows(BuildException.class, () -> build2.fetch(url, null));
      assertTrue(e.getMessage().contains("changed during the build"), e.getMessage());
    }
  }

  @Test
  void withoutAnEtag_nothingIsRemembered_andTheKeyIsAFullDownload() throws Exception {
    MapValidators v = new MapValidators();
    try (RemoteFiles r = new RemoteFiles(tmp, v)) {
      assertTrue(Files.exists(r.fetchForKey(base + "/files/hello.txt").file()));
    }
    assertTrue(v.m.isEmpty());
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void fetchStreamsToAFileNamedAfterTheUrlWithMode0600AndTheServersMtime() throws Exception {
    try (RemoteFiles r = new RemoteFiles(tmp)) {
      RemoteFiles.Fetched f = r.fetch(base + "/files/hello.txt", null);
      assertEquals("hello.txt", f.file().getFileName().toString());
      assertTrue(f.file().startsWith(tmp), "under the store's tmp: " + f.file());
      assertEquals("hello from http\n", Files.readString(f.file()));
      assertEquals(Digest.sha256(BODY), f.digest());
      assertEquals(0600, Posix.lstat(f.file()).permissions());
      Instant lm = Instant.parse("2023-11-15T10:20:30Z");
      assertEquals(lm, f.lastModified());
      assertEquals(lm.getEpochSecond(), Posix.lstat(f.file()).mtimeSec());
      // once per build
      r.fetch(base + "/files/hello.txt", null);
      assertEquals(1, gets.get());
    }
    assertFalse(Files.exists(tmp.resolve("add")), "close deletes the files");
    try (var s = Files.list(tmp)) {
      assertEquals(0, s.count(), "close deletes the files");
    }
  }

  @Test
  void withoutLastModifiedThereIsNone() throws Exception {
    try (RemoteFiles r = new RemoteFiles(tmp)) {
      assertNull(r.fetch(base + "/plain", null).lastModified());
    }
  }

  @Test
  void aMatchingChecksumPasses() throws Exception {
    try (RemoteFiles r = new RemoteFiles(tmp)) {
      Digest want = Digest.sha256(BODY);
      assertEquals(want, r.fetch(base + "/files/hello.txt", want).digest());
    }
  }

  @Test
  void aMismatchNamesTheUrlTheExpectedAndTheActualDigest() throws Exception {
    Digest wrong = Digest.sha256(new byte[] {1});
    try (RemoteFiles r = new RemoteFiles(tmp)) {
      BuildException e =
          assertThrows(BuildException.class, () -> r.fetch(base + "/files/hello.txt", wrong));
      assertTrue(e.getMessage().contains(base + "/files/hello.txt"), e.getMessage());
      assertTrue(e.getMessage().contains("expected " + wrong), e.getMessage());
      assertTrue(e.getMessage().contains(Digest.sha256(BODY).toString()), e.getMessage());
    }
  }

  @Test
  void aSha512ChecksumIsComparedInItsOwnAlgorithm() throws Exception {
    String hex =
        java.util.HexFormat.of()
            .formatHex(java.security.MessageDigest.getInstance("SHA-512").digest(BODY));
    try (RemoteFiles r = new RemoteFiles(tmp)) {
      Digest want = Digest.parse("sha512:" + hex);
      assertEquals(want, r.fetch(base + "/files/hello.txt", want).digest());
    }
  }

  @Test
  void aMissingFileIsAnErrorNamingTheUrlAndTheStatus() throws Exception {
    try (RemoteFiles r = new RemoteFiles(tmp)) {
      BuildException e =
          assertThrows(BuildException.class, () -> r.fetch(base + "/missing/x.tar", null));
      assertTrue(e.getMessage().contains(base + "/missing/x.tar"), e.getMessage());
      assertTrue(e.getMessage().contains("404"), e.getMessage());
    }
  }

  @Test
  void noServerIsAnErrorNamingTheUrlAndTheNetwork() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    String url = "http://127.0.0.1:" + port + "/f";
    try (RemoteFiles r = new RemoteFiles(tmp)) {
      BuildException e = assertThrows(BuildException.class, () -> r.fetch(url, null));
      assertTrue(
          e.getMessage().contains(url) && e.getMessage().contains("network"), e.getMessage());
    }
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "https://example.com/a/b/tool.tar.gz, tool.tar.gz",
    "https://example.com/a/b/tool?x=1, tool",
    "https://example.com/dir/, dir",
    // no path: BuildKit's name
    "https://example.com, __unnamed__",
    "https://example.com/, __unnamed__",
  })
  void fileNameFromTheUrlPath(String url, String name) {
    assertEquals(name, RemoteFiles.fileName(url));
  }

  @ParameterizedTest(name = "{0}: url={1} git={2}")
  @CsvSource({
    "https://example.com/f.txt, true, false",
    "http://127.0.0.1:8080/f, true, false",
    "https://github.com/o/r.git, false, true",
    "https://github.com/o/r.git#main, false, true",
    "git@github.com:o/r.git, false, true",
    "git://example.com/r, false, true",
    "ssh://git@example.com/r, false, true",
    "local/file.txt, false, false",
  })
  void urlAndGitSources(String src, boolean url, boolean git) {
    assertEquals(url, RemoteFiles.isUrl(src));
    assertEquals(git, RemoteFiles.isGit(src));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Wed, 15 Nov 2023 10:20:30 GMT | 2023-11-15T10:20:30Z",
        // not an HTTP-date: no mtime from it, as Go's http.ParseTime
        "yesterday | ",
      })
  void lastModifiedParsing(String header, String instant) {
    assertEquals(instant == null ? null : Instant.parse(instant), RemoteFiles.lastModified(header));
  }
}
