package dev.strata.registry;

import dev.strata.oci.Reference;
import dev.strata.registry.auth.Credentials;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code strata login}: proves credentials against a registry before they are saved. */
public final class LoginCheck {
  private LoginCheck() {}

  /** Throws {@link RegistryException} (naming the registry, never the secret) when refused. */
  public static void verify(String registry, Credentials credentials, RegistryOptions opts) {
    String host = RemoteImage.of(Reference.parse(registry + "/x")).registry();
    RegistryOptions with = opts.withCredentials(r -> Optional.of(credentials));
    HttpSession http = new HttpSession(host, List.of(), with);
    String action = "log in to " + host;
    HttpResponse<InputStream> r = http.send(action, "GET", "/v2/", Map.of(), null, true);
    if (r.statusCode() != 200) {
      throw http.failure(action, r);
    }
    Responses.discard(r);
  }
}
