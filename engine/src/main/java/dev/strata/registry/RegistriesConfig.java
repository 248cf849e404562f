package dev.strata.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.nshelper.Home;
import dev.strata.oci.InvalidJsonException;
import dev.strata.oci.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Registry settings from {@code registries.json}: mirrors tried in order before a registry, and
 * registries reached over plain http. The file, all keys optional:
 *
 * <pre>{@code
 * {
 *   "registries": {
 *     "docker.io":      { "mirrors": ["mirror.internal:5000", "127.0.0.1:5001"] },
 *     "build-cache:5000": { "insecure": true }
 *   }
 * }
 * }</pre>
 *
 * <p>Where: {@code $STRATA_REGISTRIES_CONFIG}, else {@code
 * $XDG_CONFIG_HOME/strata/registries.json}, else {@code ~/.config/strata/registries.json}; a
 * missing file means no mirrors. A mirror is a registry host that holds the same repositories
 * (pulls only, as containers' registries.conf mirrors). Plain http is used only for a registry
 * marked {@code insecure} or on a loopback address (127.0.0.0/8, ::1, localhost), and even then
 * https is tried first. Unknown keys are refused, so a misspelt setting does not silently do
 * nothing.
 */
public final class RegistriesConfig {
  /** The settings of one registry host. */
  public record Registry(String host, List<String> mirrors, boolean insecure) {
    public Registry {
      mirrors = List.copyOf(mirrors);
    }
  }

  private final Map<String, Registry> registries;
  private final String source;

  private RegistriesConfig(Map<String, Registry> registries, String source) {
    this.registries = Map.copyOf(registries);
    this.source = source;
  }

  public static RegistriesConfig empty() {
    return new RegistriesConfig(Map.of(), "(none)");
  }

  /** The file this user's settings are read from (it may not exist). */
  public static Path defaultPath(Map<String, String> env, Path home) {
    String explicit = env.get("STRATA_REGISTRIES_CONFIG");
    if (explicit != null && !explicit.isEmpty()) {
      return Path.of(explicit);
    }
    String xdg = env.get("XDG_CONFIG_HOME");
    Path config = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : home.resolve(".config");
    return config.resolve("strata").resolve("registries.json");
  }

  /** Reads the user's file; missing means empty. */
  public static RegistriesConfig load() {
    return load(defaultPath(System.getenv(), Path.of(Home.dir())));
  }

  public static RegistriesConfig load(Path file) {
    try {
      return parse(Files.readAllBytes(file), file.toString());
    } catch (NoSuchFileException e) {
      return empty();
    } catch (IOException e) {
      throw new RegistryException("cannot read registries config " + file + ": " + e.getMessage());
    }
  }

  /** Parses the JSON document; errors name {@code source} and the key at fault. */
  public static RegistriesConfig parse(byte[] bytes, String source) {
    JsonNode root;
    try {
      root = Json.parse(bytes);
    } catch (InvalidJsonException e) {
      throw new RegistryException(source + ": not valid JSON: " + e.getMessage());
    }
    if (!root.isObject()) {
      throw new RegistryException(source + ": expected a JSON object");
    }
    checkKeys(root, Set.of("registries"), source, "");
    Map<String, Registry> out = new LinkedHashMap<>();
    JsonNode regs = root.path("registries");
    if (!regs.isMissingNode() && !regs.isObject()) {
      throw new RegistryException(
          source + ": \"registries\" must be an object keyed by registry host");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = regs.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String host = normalizeHost(e.getKey());
      String where = "registries.\"" + e.getKey() + "\"";
      JsonNode r = e.getValue();
      if (!r.isObject()) {
        throw new RegistryException(source + ": " + where + " must be an object");
      }
      checkKeys(r, Set.of("mirrors", "insecure"), source, where + ".");
      List<String> mirrors = new ArrayList<>();
      JsonNode m = r.path("mirrors");
      if (!m.isMissingNode()) {
        if (!m.isArray()) {
          throw new RegistryException(source + ": " + where + ".mirrors must be a list of hosts");
        }
        for (JsonNode h : m) {
          if (!h.isTextual() || h.asText().isBlank() || h.asText().contains("/")) {
            throw new RegistryException(
                source
                    + ": "
                    + where
                    + ".mirrors: \""
                    + h.asText()
                    + "\" is not a registry host[:port]");
          }
          mirrors.add(normalizeHost(h.asText()));
        }
      }
      JsonNode insecure = r.path("insecure");
      if (!insecure.isMissingNode() && !insecure.isBoolean()) {
        throw new RegistryException(source + ": " + where + ".insecure must be true or false");
      }
      out.put(host, new Registry(host, mirrors, insecure.asBoolean(false)));
    }
    return new RegistriesConfig(out, source);
  }

  private static void checkKeys(JsonNode o, Set<String> allowed, String source, String prefix) {
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!allowed.contains(k)) {
        throw new RegistryException(
            source
                + ": unknown key \""
                + prefix
                + k
                + "\" (known: "
                + String.join(", ", allowed.stream().sorted().toList())
                + ")");
      }
    }
  }

  private static String normalizeHost(String h) {
    String s = h.trim().toLowerCase(Locale.ROOT);
    return s.equals("index.docker.io") || s.equals("registry-1.docker.io")
        ? RemoteImage.DOCKER_HUB
        : s;
  }

  /** The settings of {@code host}; defaults (no mirrors, https) when the file does not name it. */
  public Registry registry(String host) {
    String h = normalizeHost(host);
    Registry r = registries.get(h);
    return r != null ? r : new Registry(h, List.of(), false);
  }

  /** Whether plain http may be tried for {@code host}: marked insecure, or loopback. */
  public boolean allowsHttp(String host) {
    return registry(host).insecure() || isLoopback(host);
  }

  /** Where these settings came from, for messages. */
  public String source() {
    return source;
  }

  /** {@code localhost}, 127.0.0.0/8 or ::1, with or without a port. */
  public static boolean isLoopback(String hostPort) {
    String h = hostPort.toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      h = end > 0 ? h.substring(1, end) : h;
      return h.equals("::1") || h.equals("0:0:0:0:0:0:0:1");
    }
    int colon = h.lastIndexOf(':');
    if (colon >= 0) {
      h = h.substring(0, colon);
    }
    return h.equals("localhost") || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  }
}
