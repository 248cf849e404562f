package dev.strata.registry;

import dev.strata.registry.auth.AuthException;
import dev.strata.registry.auth.Challenge;
import dev.strata.registry.auth.Credentials;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * HTTP to one registry host for one set of scopes: finds the scheme (https, then http where {@link
 * RegistriesConfig#allowsHttp} allows it), answers auth challenges (Basic, or a Bearer token from
 * {@link TokenClient}), follows redirects up to a limit (dropping credentials when the host
 * changes, as ggcr's transport does), and retries connection failures, 429 and 5xx through {@link
 * RetryingClient}.
 *
 * <p>Secrets stay here: no header value, token or URL query string goes into a message.
 */
final class HttpSession {
  private final String registry;
  private final String apiHost;
  private final RegistryOptions opts;
  private final RetryingClient client;
  private final TokenClient tokens;
  private URI base;
  private volatile String authorization;

  /**
   * @param registry the registry host as users name it ({@code docker.io})
   * @param scopes token scopes, e.g. {@code repository:library/busybox:pull}
   */
  HttpSession(String registry, List<String> scopes, RegistryOptions opts) {
    this.registry = registry;
    this.apiHost = registry.equals(RemoteImage.DOCKER_HUB) ? "registry-1.docker.io" : registry;
    this.opts = opts;
    this.client = new RetryingClient(opts);
    this.tokens = new TokenClient(registry, scopes, opts.config(), client);
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
        if (retryable && client.mayRetry(attempt)) {
          client.pause(attempt++);
          continue;
        }
        throw new RegistryException(
            action + ": " + Responses.describe(e), Responses.isUnreachable(e), e);
      }
      int s = r.statusCode();
      if (s == 401 && !reauthorized) {
        Challenge c = Challenge.parse(r.headers().firstValue("WWW-Authenticate").orElse(null));
        Responses.discard(r);
        authorize(action, c);
        reauthorized = true;
        continue;
      }
      if ((s == 429 || s >= 500) && retryable && client.mayRetry(attempt)) {
        Responses.discard(r);
        client.pause(attempt++);
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
        b.timeout(m.equals("GET") ? Duration.ofHours(6) : RetryingClient.SMALL_REQUEST_TIMEOUT);
      }
      b.method(
          m,
          body == null || m.equals("GET") || m.equals("HEAD")
              ? HttpRequest.BodyPublishers.noBody()
              : body.get());
      HttpResponse<InputStream> r = client.sendOnce(action, b.build());
      int s = r.statusCode();
      Optional<String> location = r.headers().firstValue("Location");
      if (!(s == 301 || s == 302 || s == 303 || s == 307 || s == 308) || location.isEmpty()) {
        return r;
      }
      Responses.discard(r);
      if (hop >= opts.maxRedirects()) {
        throw new RegistryException(
            action
                + ": too many redirects ("
                + opts.maxRedirects()
                + "), the last to "
                + Responses.shown(target));
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
          HttpRequest.newBuilder(b.resolve("/v2/"))
              .timeout(RetryingClient.SMALL_REQUEST_TIMEOUT)
              .GET()
              .build();
      HttpResponse<InputStream> r;
      try {
        r = client.sendWithRetry(ping);
      } catch (IOException e) {
        failure = Responses.describe(e); // the last scheme's reason is the one to show
        cause = e;
        continue;
      }
      int s = r.statusCode();
      if (s == 401) {
        base = b;
        Challenge c = Challenge.parse(r.headers().firstValue("WWW-Authenticate").orElse(null));
        Responses.discard(r);
        authorize(action, c);
        return;
      }
      Responses.discard(r);
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
      case "bearer" -> authorization = "Bearer " + tokens.token(action, c, creds);
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

  /**
   * The error for an unexpected status, with the registry's own error codes (spec "Error codes").
   */
  RegistryException failure(String action, HttpResponse<InputStream> r) {
    int s = r.statusCode();
    String why = Responses.errorCodes(r);
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
        action + ": registry answered " + s + (why.isEmpty() ? "" : " (" + why + ")") + hint);
  }
}
