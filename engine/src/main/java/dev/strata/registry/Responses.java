package dev.strata.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.oci.InvalidJsonException;
import dev.strata.oci.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;

/**
 * What a registry answered, read safely and told in messages: bodies read up to a limit or drained
 * so the connection can be reused, the spec's error codes, and failures and URLs described without
 * a secret (no query string: it may hold a signed token).
 */
final class Responses {
  static final int MAX_ERROR_BODY = 16 << 10;

  private Responses() {}

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

  /**
   * The codes and messages of a registry's error document (distribution-spec "Error codes"), joined
   * with "; ", or "" when the body is not one.
   */
  static String errorCodes(HttpResponse<InputStream> r) {
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
    return why.toString();
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

  /** Nobody answered (as opposed to an answer that went wrong): the error says unreachable. */
  static boolean isUnreachable(IOException e) {
    return e instanceof ConnectException || e instanceof HttpConnectTimeoutException;
  }

  /** A URL fit for a message: no query (it may hold a signed token). */
  static String shown(URI u) {
    return u.getScheme()
        + "://"
        + u.getRawAuthority()
        + (u.getRawPath() == null ? "" : u.getRawPath());
  }
}
