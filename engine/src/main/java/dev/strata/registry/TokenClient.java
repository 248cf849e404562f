package dev.strata.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.oci.InvalidJsonException;
import dev.strata.oci.Json;
import dev.strata.registry.auth.Challenge;
import dev.strata.registry.auth.Credentials;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * Gets a Bearer token from the realm a registry's challenge names (distribution
 * docs/spec/auth/token.md): a GET with Basic credentials, or, for an identity token, the OAuth2
 * refresh grant. The realm must be https (or http where {@link RegistriesConfig#allowsHttp} allows
 * it), since the credentials go there.
 */
final class TokenClient {
  private final String registry;
  private final List<String> scopes;
  private final RegistriesConfig config;
  private final RetryingClient client;

  /**
   * @param registry the registry host as users name it, for messages
   * @param scopes token scopes asked for besides the challenge's own
   */
  TokenClient(
      String registry, List<String> scopes, RegistriesConfig config, RetryingClient client) {
    this.registry = registry;
    this.scopes = List.copyOf(scopes);
    this.config = config;
    this.client = client;
  }

  /** The token for challenge {@code c}; errors start with {@code action}. */
  String token(String action, Challenge c, Optional<Credentials> creds) {
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
        && !("http".equalsIgnoreCase(rs) && config.allowsHttp(realmUri.getRawAuthority()))) {
      throw new RegistryException(
          action
              + ": token realm "
              + Responses.shown(realmUri)
              + " is not https; refusing to send credentials there");
    }
    String q = query(c);
    HttpRequest.Builder b;
    if (creds.isPresent() && creds.get().isIdentityToken()) {
      String form =
          q
              + (q.isEmpty() ? "" : "&")
              + "grant_type=refresh_token&client_id=strata&refresh_token="
              + enc(creds.get().secret());
      b =
          HttpRequest.newBuilder(realmUri)
              .header("Content-Type", "application/x-www-form-urlencoded")
              .POST(HttpRequest.BodyPublishers.ofString(form));
    } else {
      String sep = realm.contains("?") ? "&" : "?";
      b = HttpRequest.newBuilder(URI.create(realm + (q.isEmpty() ? "" : sep + q))).GET();
      creds.ifPresent(cr -> b.header("Authorization", cr.basicHeader()));
    }
    HttpResponse<InputStream> r;
    try {
      r = client.sendWithRetry(b.timeout(RetryingClient.SMALL_REQUEST_TIMEOUT).build());
    } catch (IOException e) {
      throw new RegistryException(
          action
              + ": cannot reach token server "
              + Responses.shown(realmUri)
              + ": "
              + Responses.describe(e),
          true,
          e);
    }
    return tokenOf(action, r, realmUri, creds.isPresent());
  }

  /** service and every scope (ours, then the challenge's), form-encoded. */
  private String query(Challenge c) {
    StringBuilder q = new StringBuilder();
    String service = c.param("service");
    if (service != null) {
      q.append("service=").append(enc(service));
    }
    LinkedHashSet<String> all = new LinkedHashSet<>(scopes);
    if (c.param("scope") != null) {
      all.addAll(List.of(c.param("scope").split(" ")));
    }
    for (String s : all) {
      q.append(q.length() == 0 ? "" : "&").append("scope=").append(enc(s));
    }
    return q.toString();
  }

  private String tokenOf(
      String action, HttpResponse<InputStream> r, URI realmUri, boolean hadCredentials) {
    byte[] body = Responses.readLimited(r, 1 << 20);
    if (r.statusCode() != 200) {
      throw new RegistryException(
          action
              + ": token server "
              + Responses.shown(realmUri)
              + " refused ("
              + r.statusCode()
              + ")"
              + (hadCredentials
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
            action + ": token server " + Responses.shown(realmUri) + " answered without a token");
      }
      return t;
    } catch (InvalidJsonException e) {
      throw new RegistryException(
          action + ": token server " + Responses.shown(realmUri) + " answered with invalid JSON");
    }
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
