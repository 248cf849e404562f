package dev.strata.solver.copy;

import dev.strata.frontend.plan.SourceForms;
import dev.strata.index.UrlRecord;
import dev.strata.layer.Trees;
import dev.strata.oci.Digest;
import dev.strata.posix.Posix;
import dev.strata.solver.BuildException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * ADD's http(s) sources, fetched over {@code java.net.http} as BuildKit's http source does: the
 * body streams through the digest into a file under the store's tmp (never held in memory), the
 * file is named after the URL path's last element ({@code __unnamed__} when it has none), mode 0600
 * (Docker's rule; {@code --chmod} overrides it in the copy), mtime from Last-Modified when the
 * server sends one. A remote archive is not unpacked (Docker's rule). One fetch per URL and build;
 * closing deletes the files. A URL whose last download sent an ETag is revalidated for its key
 * ({@link #fetchForKey}), its body fetched only when the step runs.
 *
 * <p>A URL in a Dockerfile is an explicit ask for the network, the one exception to "nothing is
 * fetched unasked"; without network the error names the URL.
 */
final class RemoteFiles implements AutoCloseable {
  /**
   * A fetched body.
   *
   * @param file the body, named as it will be in the image
   * @param digest its content digest, in the algorithm of the checksum asked for (else sha256)
   * @param lastModified the server's Last-Modified, or null
   */
  record Fetched(String url, Path file, Digest digest, Instant lastModified) {}

  /**
   * What the last download of each URL answered, kept across builds (the store's index): with an
   * ETag, the next build asks {@code If-None-Match} and a 304 gives the key without the body.
   */
  interface Validators {
    /** The record of {@code url}'s last download, or null. */
    UrlRecord get(String url);

    void put(String url, UrlRecord r);

    /** Remembers nothing: every key is a full download. */
    Validators NONE =
        new Validators() {
          public UrlRecord get(String url) {
            return null;
          }

          public void put(String url, UrlRecord r) {}
        };
  }

  private final Path dir;
  private final Validators validators;

  /** Made on the first fetch: an HttpClient sets up TLS (a tenth of a second) even unused. */
  private HttpClient client;

  private final Map<String, Fetched> fetched = new HashMap<>();
  private int downloads; // names each download's directory: a URL may be fetched twice

  /**
   * @param tmp a directory of this process's own (the store's tmp)
   */
  RemoteFiles(Path tmp) {
    this(tmp, Validators.NONE);
  }

  RemoteFiles(Path tmp, Validators validators) {
    this.dir = tmp.resolve("add-" + UUID.randomUUID());
    this.validators = validators;
  }

  private HttpClient client() {
    if (client == null) {
      client =
          HttpClient.newBuilder()
              .followRedirects(HttpClient.Redirect.NORMAL)
              .connectTimeout(Duration.ofSeconds(30))
              .build();
    }
    return client;
  }

  /** Whether ADD fetches {@code src} over http(s) (the frontend's rule, {@link SourceForms}). */
  static boolean isUrl(String src) {
    return SourceForms.isUrl(src);
  }

  /** Whether {@code src} names a git repository (the frontend's rule, {@link SourceForms}). */
  static boolean isGit(String src) {
    return SourceForms.isGit(src);
  }

  /** The file name BuildKit gives a URL: path.Base of its path, else {@code __unnamed__}. */
  static String fileName(String url) {
    String path;
    try {
      path = URI.create(url).getPath();
    } catch (IllegalArgumentException e) {
      return "__unnamed__";
    }
    if (path == null) {
      return "__unnamed__";
    }
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    String base = path.substring(path.lastIndexOf('/') + 1);
    return base.isEmpty() || base.equals(".") || base.equals("..") ? "__unnamed__" : base;
  }

  /**
   * Fetches {@code url} once per build; with {@code expected} a body of another digest is an error
   * naming the URL and both digests, and nothing of it is kept.
   */
  Fetched fetch(String url, Digest expected) throws IOException, InterruptedException {
    Fetched f = fetched.get(url);
    if (f == null || f.file() == null) {
      Fetched body = download(url, expected == null ? "sha256" : expected.algorithm(), null);
      if (f != null && !f.digest().equals(body.digest())) {
        // the key was made from the 304's record: this body is another one
        throw new BuildException(
            "ADD "
                + url
                + ": the body changed during the build (the server"
                + " said "
                + f.digest()
                + " was current, then sent "
                + body.digest()
                + "); build again");
      }
      f = body;
      fetched.put(url, f);
    }
    if (expected != null && !expected.equals(f.digest())) {
      throw new BuildException(
          "ADD " + url + ": checksum mismatch: expected " + expected + ", got " + f.digest());
    }
    return f;
  }

  /**
   * What an ADD URL without a checksum is keyed by: the body's digest and Last-Modified. When the
   * last download of the URL sent an ETag, the server is asked {@code If-None-Match} first: a 304
   * answers from that download's record, with no body fetched ({@link Fetched#file} null until
   * {@link #fetch} needs it, on a miss). Each download's validators are remembered.
   */
  Fetched fetchForKey(String url) throws IOException, InterruptedException {
    Fetched f = fetched.get(url);
    if (f == null) {
      UrlRecord last = validators.get(url);
      f = download(url, "sha256", last);
      fetched.put(url, f);
    }
    return f;
  }

  /**
   * GETs {@code url} into a file, hashing it; with {@code last} (and its ETag) conditionally, a 304
   * giving {@code last}'s digest and Last-Modified with no file.
   */
  private Fetched download(String url, String algorithm, UrlRecord last)
      throws IOException, InterruptedException {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new BuildException("ADD " + url + ": not a valid URL: " + e.getMessage(), e);
    }
    HttpRequest.Builder get =
        HttpRequest.newBuilder(uri)
            .GET()
            .header("User-Agent", "strata")
            .timeout(Duration.ofMinutes(10));
    if (last != null && last.etag() != null && !last.etag().isEmpty()) {
      get.header("If-None-Match", last.etag());
    }
    HttpRequest req = get.build();
    HttpResponse<InputStream> resp;
    try {
      resp = client().send(req, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new BuildException(
          "ADD "
              + url
              + ": cannot fetch: "
              + describe(e)
              + " (a URL in the Dockerfile is fetched at build time: this build needs the network)",
          e);
    }
    if (resp.statusCode() == 304 && last != null) {
      resp.body().close();
      return new Fetched(url, null, last.digest(), last.lastModified());
    }
    Path sub = Files.createDirectories(dir.resolve(String.valueOf(++downloads)));
    Path file = sub.resolve(fileName(url));
    MessageDigest md = newDigest(algorithm);
    try (InputStream body = resp.body()) {
      if (resp.statusCode() != 200) {
        throw new BuildException("ADD " + url + ": HTTP status " + resp.statusCode());
      }
      try (OutputStream out = new DigestOutputStream(Files.newOutputStream(file), md)) {
        body.transferTo(out);
      }
    } catch (IOException e) {
      Files.deleteIfExists(file);
      throw new BuildException("ADD " + url + ": reading the body: " + describe(e), e);
    }
    Posix.chmod(file, 0600);
    Instant lastModified = lastModified(resp.headers().firstValue("Last-Modified").orElse(null));
    if (lastModified != null) {
      Posix.lutimes(file, lastModified.getEpochSecond(), 0);
    }
    Digest d = new Digest(algorithm, HexFormat.of().formatHex(md.digest()));
    String etag = resp.headers().firstValue("ETag").orElse(null);
    if (etag != null && algorithm.equals("sha256")) {
      validators.put(url, new UrlRecord(etag, d, lastModified));
    }
    return new Fetched(url, file, d, lastModified);
  }

  /** An HTTP-date (RFC 7231: IMF-fixdate, RFC 1123); null when absent or unreadable. */
  static Instant lastModified(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    try {
      return ZonedDateTime.parse(
              header.strip(), DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT))
          .toInstant();
    } catch (DateTimeParseException e) {
      return null; // Go's http.ParseTime fails too: no mtime from it, as BuildKit
    }
  }

  private static MessageDigest newDigest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm.equals("sha512") ? "SHA-512" : "SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null || m.isEmpty() ? "" : ": " + m);
  }

  /** Deletes what was fetched so far; the next fetch of a URL downloads it again. */
  void clear() throws IOException {
    fetched.clear();
    close();
  }

  @Override
  public void close() throws IOException {
    if (Files.exists(dir)) {
      Trees.removeAll(dir);
    }
  }
}
