package dev.strata.registry.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A user name and secret for one registry. The secret is a password, or an identity token when
 * {@code username} is {@code <token>} (the docker credential-helper convention). {@link #toString}
 * never shows the secret, so a credential cannot leak into a log by accident.
 */
public record Credentials(String username, String secret) {
  /** The user name credential helpers give for an identity (refresh) token. */
  public static final String TOKEN_USER = "<token>";

  public Credentials {
    if (username == null || secret == null) {
      throw new IllegalArgumentException("credentials need a user name and a secret");
    }
  }

  /** True when the secret is an OAuth2 refresh token rather than a password. */
  public boolean isIdentityToken() {
    return TOKEN_USER.equals(username);
  }

  /** The value of an {@code Authorization: Basic} header. */
  public String basicHeader() {
    return "Basic " + encodeAuth();
  }

  /** The {@code auth} field of a docker config: base64 of {@code user:secret}. */
  public String encodeAuth() {
    return Base64.getEncoder()
        .encodeToString((username + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }

  /** Decodes a docker config {@code auth} field; null when it is not {@code user:secret}. */
  public static Credentials decodeAuth(String auth) {
    try {
      String s = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
      int colon = s.indexOf(':');
      return colon <= 0 ? null : new Credentials(s.substring(0, colon), s.substring(colon + 1));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return "Credentials[username=" + username + ", secret=***]";
  }
}
