package dev.strata.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.oci.InvalidJsonException;
import dev.strata.oci.Json;
import dev.strata.registry.auth.AuthException;
import dev.strata.registry.auth.Challenge;
import dev.strata.registry.auth.Credentials;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * HTTP to one registry host for one set of scopes: finds the scheme (https, then http where {@link
 * RegistriesConfig#allowsHttp} allows it), answers auth challenges (Basic, or a Bearer token from
 * the realm the registry names; distribution's token.md), follows redirects up to a limit (dropping
 * credentials when the host changes, as ggcr's transport does), and retries connection failures,
 * 429 and 5xx with doubling back-off.
 *
 * <p>Secrets stay here: no header value, token or URL query string goes into a message.
 */
final class HttpSession {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(15))
          .build();
  private static final Duration SMALL_REQUEST_TIMEOUT = Duration.ofSeconds(120);
  private static final int MAX_ERROR_BODY = 16 << 10;

  private final String registry;
  private final String apiHost;
  private final List<String> scopes;
  private final RegistryOptions opts;
  private URI base;
  private volatile String authorization;

  /**
   * @param registry the registry host as users name it ({@code docker.io})
   * @param scopes token scopes, e.g. {@code repository:library/busybox:pull}
   */
  HttpSession(String registry, List<String> scopes, RegistryOptions opts) {
    this.registry = registry;
    this.apiHost = registry.equals(RemoteImage.DOCKER_HUB) ? "registry-1.docker.io" : registry;
    this.scopes = List.copyOf(scopes);
    this.opts = opts;
  }

  String registry() {
    return registry;
  }

  /** Sends a request with a small response expected (no total time limit for blobs). */
  HttpResponse<InputStream> send(
      String action,
      String method,
      String pathOrUrl,
      Map<String, String> headers,
      Supplier<BodyPublisher> body,
      boolean retryable) {
    ready(action);
    URI uri = pathOrUrl.startsWith("/") ? base.resolve(pathOrUrl) : URI.create(pathOrUrl);
    int attempt = 0;
    boolean reauthorized = false;
    while (true) {
      HttpResponse<InputStream> r;
      try {
        r = follow(action, method, uri, headers, body);
      } catch (IOException e) {
        if (retryable && attempt < opts.retries()) {
          pause(attempt++);
          continue;
        }
        throw new RegistryException(action + ": " + describe(e), isUnreachable(e), e);
      }
      int s = r.statusCode();
      if (s == 401 && !reauthorized) {
        Challenge c = Challenge.parse(r.headers().firstValue("WWW-Authenticate").orElse(null));
        discard(r);
        authorize(action, c);
        reauthorized = true;
        continue;
      }
      if ((s == 429 || s >= 500) && retryable && attempt < opts.retries()) {
        discard(r);
        pause(attempt++);
        continue;
      }
      return r;
    }
  }

  /** Follows redirects for one request; credentials go only to the registry's own host. */
  private HttpResponse<InputStream> follow(
      String action,
      String method,
      URI uri,
      Map<String, String> headers,
      Supplier<BodyPublisher> body)
      throws IOException {
    URI target = uri;
    String m = method;
    for (int hop = 0; ; hop++) {
      HttpRequest.Builder b = HttpRequest.newBuilder(target);
      headers.forEach(b::header);
      String auth = authorization;
      if (auth != null && sameOrigin(target, base)) {
        b.header("Authorization", auth);
      }
      if (!m.equals("PATCH") && !m.equals("PUT") && !m.equals("POST")) {
        b.timeout(m.equals("GET") ? Duration.ofHours(6) : SMALL_REQUEST_TIMEOUT);
      }
      b.method(
          m,
          body == null || m.equals("GET") || m.equals("HEAD")
              ? HttpRequest.BodyPublishers.noBody()
              : body.get());
      HttpResponse<InputStream> r;
      try {
        r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RegistryException(action + ": interrupted");
      }
      int s = r.statusCode();
      Optional<String> location = r.headers().firstValue("Location");
      if (!(s == 301 || s == 302 || s == 303 || s == 307 || s == 308) || location.isEmpty()) {
        return r;
      }
      discard(r);
      if (hop >= opts.maxRedirects()) {
        throw new RegistryException(
            action
                + ": too many redirects ("
                + opts.maxRedirects()
                + "), the last to "
                + shown(target));
      }
      target = target.resolve(location.get());
      if (s == 303) {
        m = "GET";
      }
    }
  }

  private static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost().equalsIgnoreCase(b.getHost())
        && a.getPort() == b.getPort();
  }

  /** A URL fit for a message: no query (it may hold a signed token). */
  static String shown(URI u) {
    return u.getScheme()
        + "://"
        + u.getRawAuthority()
        + (u.getRawPath() == null ? "" : u.getRawPath());
  }

  // ------------------------------------------------------------------ ping and auth

  private synchronized void ready(String action) {
    if (opts.offline()) {
      throw new OfflineException(
          action
              + ": needs registry "
              + registry
              + ", but Strata is offline (--offline or --pull=never)");
    }
    if (base != null) {
      return;
    }
    boolean http = opts.config().allowsHttp(registry);
    // Loopback is tried over http first (a local test or cache registry is nearly always plain,
    // and a failed TLS handshake costs time); a registry marked insecure tries https first.
    List<String> schemes =
        RegistriesConfig.isLoopback(registry)
            ? List.of("http", "https")
            : http ? List.of("https", "http") : List.of("https");
    String failure = null;
    IOException cause = null;
    for (String scheme : schemes) {
      URI b = URI.create(scheme + "://" + apiHost + "/");
      HttpRequest ping =
          HttpRequest.newBuilder(b.resolve("/v2/")).timeout(SMALL_REQUEST_TIMEOUT).GET().build();
      HttpResponse<InputStream> r;
      try {
        r = sendWithRetry(ping);
      } catch (IOException e) {
        failure = describe(e); // the last scheme's reason is the one to show
        cause = e;
        continue;
      }
      int s = r.statusCode();
      if (s == 401) {
        base = b;
        Challenge c = Challenge.parse(r.headers().firstValue("WWW-Authenticate").orElse(null));
        discard(r);
        authorize(action, c);
        return;
      }
      discard(r);
      if (s == 200) {
        base = b;
        return;
      }
      failure = "GET " + scheme + "://" + apiHost + "/v2/ answered " + s + ", not the registry API";
      cause = null;
    }
    throw new RegistryException(
        action
            + ": cannot reach registry "
            + registry
            + ": "
            + failure
            + (http
                ? ""
                : " (plain http is used only for loopback or registries marked insecure in "
                    + opts.config().source()
                    + ")"),
        cause != null,
        cause);
  }

  private HttpResponse<InputStream> sendWithRetry(HttpRequest req) throws IOException {
    for (int attempt = 0; ; attempt++) {
      try {
        HttpResponse<InputStream> r = CLIENT.send(req, HttpResponse.BodyHandlers.ofInputStream());
        if ((r.statusCode() == 429 || r.statusCode() >= 500) && attempt < opts.retries()) {
          discard(r);
          pause(attempt);
          continue;
        }
        return r;
      } catch (SSLException | ConnectException | HttpConnectTimeoutException e) {
        throw e; // wrong scheme or nobody there: retrying does not help
      } catch (IOException e) {
        if (attempt >= opts.retries()) {
          throw e;
        }
        pause(attempt);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted");
      }
    }
  }

  private void authorize(String action, Challenge c) {
    if (c == null) {
      return;
    }
    Optional<Credentials> creds;
    try {
      creds = opts.credentials().find(registry);
    } catch (AuthException e) {
      throw new RegistryException(action + ": " + e.getMessage());
    }
    switch (c.scheme()) {
      case "basic" -> authorization = creds.map(Credentials::basicHeader).orElse(null);
      case "bearer" -> authorization = "Bearer " + token(action, c, creds);
      default ->
          throw new RegistryException(
              action
                  + ": "
                  + registry
                  + " asks for unsupported auth scheme \""
                  + c.scheme()
                  + "\"");
    }
  }

  /** distribution docs/spec/auth/token.md; an identity token uses the OAuth2 refresh grant. */
  private String token(String action, Challenge c, Optional<Credentials> creds) {
    String realm = c.param("realm");
    if (realm == null || realm.isEmpty()) {
      throw new RegistryException(
          action + ": " + registry + " sent a Bearer challenge without a realm");
    }
    URI realmUri;
    try {
      realmUri = URI.create(realm);
    } catch (IllegalArgumentException e) {
      throw new RegistryException(action + ": " + registry + " names an invalid token realm");
    }
    String rs = realmUri.getScheme();
    if (!"https".equalsIgnoreCase(rs)
        && !("http".equalsIgnoreCase(rs) && opts.config().allowsHttp(realmUri.getRawAuthority()))) {
      throw new RegistryException(
          action
              + ": token realm "
              + shown(realmUri)
              + " is not https; refusing to send credentials there");
    }
    StringBuilder q = new StringBuilder();
    String service = c.param("service");
    if (service != null) {
      q.append("service=").append(enc(service));
    }
    java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(scopes);
    if (c.param("scope") != null) {
      all.addAll(List.of(c.param("scope").split(" ")));
    }
    for (String s : all) {
      q.append(q.length() == 0 ? "" : "&").append("scope=").append(enc(s));
    }
    HttpRequest.Builder b;
    if (creds.isPresent() && creds.get().isIdentityToken()) {
      String form =
          q
              + (q.length() == 0 ? "" : "&")
              + "grant_type=refresh_token&client_id=strata&refresh_token="
              + enc(creds.get().secret());
      b =
          HttpRequest.newBuilder(realmUri)
              .header("Content-Type", "application/x-www-form-urlencoded")
              .POST(HttpRequest.BodyPublishers.ofString(form));
    } else {
      String sep = realm.contains("?") ? "&" : "?";
      b = HttpRequest.newBuilder(URI.create(realm + (q.length() == 0 ? "" : sep + q))).GET();
      creds.ifPresent(cr -> b.header("Authorization", cr.basicHeader()));
    }
    HttpResponse<InputStream> r;
    try {
      r = sendWithRetry(b.timeout(SMALL_REQUEST_TIMEOUT).build());
    } catch (IOException e) {
      throw new RegistryException(
          action + ": cannot reach token server " + shown(realmUri) + ": " + describe(e), true, e);
    }
    byte[] body = readLimited(r, 1 << 20);
    if (r.statusCode() != 200) {
      throw new RegistryException(
          action
              + ": token server "
              + shown(realmUri)
              + " refused ("
              + r.statusCode()
              + ")"
              + (creds.isPresent()
                  ? ": the credentials for "
                      + registry
                      + " were not accepted (strata login "
                      + registry
                      + ")"
                  : ": " + registry + " needs credentials (strata login " + registry + ")"));
    }
    try {
      JsonNode n = Json.parse(body);
      String t = n.path("token").asText("");
      if (t.isEmpty()) {
        t = n.path("access_token").asText("");
      }
      if (t.isEmpty()) {
        throw new RegistryException(
            action + ": token server " + shown(realmUri) + " answered without a token");
      }
      return t;
    } catch (InvalidJsonException e) {
      throw new RegistryException(
          action + ": token server " + shown(realmUri) + " answered with invalid JSON");
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------------ errors

  /**
   * The error for an unexpected status, with the registry's own error codes (spec "Error codes").
   */
  RegistryException failure(String action, HttpResponse<InputStream> r) {
    int s = r.statusCode();
    byte[] body = readLimited(r, MAX_ERROR_BODY);
    StringBuilder why = new StringBuilder();
    try {
      for (JsonNode e : Json.parse(body).path("errors")) {
        why.append(why.length() == 0 ? "" : "; ").append(e.path("code").asText("?"));
        String msg = e.path("message").asText("");
        if (!msg.isEmpty()) {
          why.append(": ").append(msg.length() > 200 ? msg.substring(0, 200) + "..." : msg);
        }
      }
    } catch (InvalidJsonException e) {
      // not a registry error document; the status says enough
    }
    String hint =
        switch (s) {
          case 401 ->
              authorization == null
                  ? " (" + registry + " needs credentials: strata login " + registry + ")"
                  : " (the credentials for "
                      + registry
                      + " were not accepted: strata login "
                      + registry
                      + ")";
          case 403 -> " (access denied)";
          default -> "";
        };
    return new RegistryException(
        action + ": registry answered " + s + (why.length() == 0 ? "" : " (" + why + ")") + hint);
  }

  static byte[] readLimited(HttpResponse<InputStream> r, int max) {
    try (InputStream in = r.body()) {
      return in.readNBytes(max);
    } catch (IOException e) {
      return new byte[0];
    }
  }

  static void discard(HttpResponse<InputStream> r) {
    try (InputStream in = r.body()) {
      in.readNBytes(MAX_ERROR_BODY);
    } catch (IOException e) {
      // the connection is dropped; nothing to do
    }
  }

  static String describe(Throwable e) {
    if (e == null) {
      return "unknown error";
    }
    if (e instanceof ConnectException) {
      return "connection refused";
    }
    if (e instanceof HttpConnectTimeoutException) {
      return "connection timed out";
    }
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  private static boolean isUnreachable(IOException e) {
    return e instanceof ConnectException || e instanceof HttpConnectTimeoutException;
  }

  private void pause(int attempt) {
    long ms = opts.backoff().toMillis() << Math.min(attempt, 10);
    try {
      Thread.sleep(Math.min(ms, 30_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException("interrupted while waiting to retry");
    }
  }
}
