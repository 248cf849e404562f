package dev.strata.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.strata.oci.Digest;
import dev.strata.posix.Posix;
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
    server.createContext("/files/hello.txt", x -> {
      gets.incrementAndGet();
      x.getResponseHeaders().add("Last-Modified", LAST_MODIFIED);
      x.sendResponseHeaders(200, BODY.length);
      x.getResponseBody().write(BODY);
      x.close();
    });
    server.createContext("/plain", x -> {
      x.sendResponseHeaders(200, BODY.length);
      x.getResponseBody().write(BODY);
      x.close();
    });
    server.createContext("/missing", x -> {
      x.sendResponseHeaders(404, -1);
      x.close();
    });
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
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
      BuildException e = assertThrows(BuildException.class, () -> r.fetch(base + "/files/hello.txt", wrong));
      assertTrue(e.getMessage().contains(base + "/files/hello.txt"), e.getMessage());
      assertTrue(e.getMessage().contains("expected " + wrong), e.getMessage());
      assertTrue(e.getMessage().contains(Digest.sha256(BODY).toString()), e.getMessage());
    }
  }

  @Test
  void aSha512ChecksumIsComparedInItsOwnAlgorithm() throws Exception {
    String hex = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-512").digest(BODY));
    try (RemoteFiles r = new RemoteFiles(tmp)) {
      Digest want = RemoteFiles.checksum("sha512:" + hex);
      assertEquals(want, r.fetch(base + "/files/hello.txt", want).digest());
    }
  }

  @Test
  void aMissingFileIsAnErrorNamingTheUrlAndTheStatus() throws Exception {
    try (RemoteFiles r = new RemoteFiles(tmp)) {
      BuildException e = assertThrows(BuildException.class, () -> r.fetch(base + "/missing/x.tar", null));
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
      assertTrue(e.getMessage().contains(url) && e.getMessage().contains("network"), e.getMessage());
    }
  }

  @Test
  void aMalformedChecksumIsAnErrorNamingIt() {
    BuildException e = assertThrows(BuildException.class, () -> RemoteFiles.checksum("sha256:abc"));
    assertTrue(e.getMessage().contains("--checksum=sha256:abc"), e.getMessage());
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
