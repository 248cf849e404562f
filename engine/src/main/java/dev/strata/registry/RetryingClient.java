package dev.strata.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.net.ssl.SSLException;

/**
 * The one JDK HTTP client every registry request goes through (HTTP/1.1, no automatic redirects:
 * {@link HttpSession} follows them itself to drop credentials on another host), and the retry
 * policy: connection failures, 429 and 5xx are retried up to {@link RegistryOptions#retries} times
 * with doubling back-off.
 */
final class RetryingClient {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(15))
          .build();

  /** For requests with a small answer (ping, token, manifest); blobs have no total limit. */
  static final Duration SMALL_REQUEST_TIMEOUT = Duration.ofSeconds(120);

  private final RegistryOptions opts;

  RetryingClient(RegistryOptions opts) {
    this.opts = opts;
  }

  /** One attempt; the caller decides about retries. */
  HttpResponse<InputStream> sendOnce(String action, HttpRequest req) throws IOException {
    try {
      return CLIENT.send(req, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException(action + ": interrupted");
    }
  }

  /**
   * Sends {@code req}, retrying a reset connection, 429 and 5xx; a refused connection, a connect
   * timeout or a TLS failure is thrown at once (wrong scheme or nobody there: retrying does not
   * help).
   */
  HttpResponse<InputStream> sendWithRetry(HttpRequest req) throws IOException {
    for (int attempt = 0; ; attempt++) {
      try {
        HttpResponse<InputStream> r = CLIENT.send(req, HttpResponse.BodyHandlers.ofInputStream());
        if ((r.statusCode() == 429 || r.statusCode() >= 500) && attempt < opts.retries()) {
          Responses.discard(r);
          pause(attempt);
          continue;
        }
        return r;
      } catch (SSLException | ConnectException | HttpConnectTimeoutException e) {
        throw e;
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

  /** Whether attempt number {@code attempt} (from 0) may be followed by another. */
  boolean mayRetry(int attempt) {
    return attempt < opts.retries();
  }

  /** Waits before attempt {@code attempt + 1}: the back-off doubled per attempt, at most 30 s. */
  void pause(int attempt) {
    long ms = opts.backoff().toMillis() << Math.min(attempt, 10);
    try {
      Thread.sleep(Math.min(ms, 30_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException("interrupted while waiting to retry");
    }
  }
}
