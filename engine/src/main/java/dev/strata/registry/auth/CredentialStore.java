package dev.strata.registry.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.nshelper.Home;
import dev.strata.oci.InvalidJsonException;
import dev.strata.oci.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The credentials docker, podman and skopeo share, read in containers/image's order
 * (pkg/docker/config): {@code $REGISTRY_AUTH_FILE}, {@code $XDG_RUNTIME_DIR/containers/auth.json},
 * {@code $XDG_CONFIG_HOME/containers/auth.json}, then {@code $DOCKER_CONFIG/config.json} or {@code
 * ~/.docker/config.json}. In each file, {@code credHelpers[registry]} wins, then {@code
 * auths[registry].auth}, then {@code credsStore}.
 *
 * <p>{@code strata login} writes to the first of: {@code --authfile}, {@code $REGISTRY_AUTH_FILE},
 * the docker config (so docker, podman and skopeo all see it); through the file's helper when it
 * names one.
 */
public final class CredentialStore implements CredentialSource {
  /** The key docker uses for Docker Hub in config files and helpers. */
  public static final String DOCKER_HUB_KEY = "https://index.docker.io/v1/";

  private final List<Path> files;
  private final Path writeFile;
  private final List<Path> helperPath;

  public CredentialStore(List<Path> files, Path writeFile) {
    this(files, writeFile, CredentialHelper.pathDirs());
  }

  /** With credential helpers looked up in {@code helperPath} rather than {@code $PATH}. */
  CredentialStore(List<Path> files, Path writeFile, List<Path> helperPath) {
    this.files = List.copyOf(files);
    this.writeFile = writeFile;
    this.helperPath = List.copyOf(helperPath);
  }

  private CredentialHelper helper(String name) {
    return new CredentialHelper(name, helperPath);
  }

  /** The same files, with helpers looked up in {@code dirs}. */
  CredentialStore withHelperPath(List<Path> dirs) {
    return new CredentialStore(files, writeFile, dirs);
  }

  /** The files of this user's environment; {@code authFile} (may be null) overrides the rest. */
  public static CredentialStore fromEnvironment(Map<String, String> env, Path home, Path authFile) {
    List<Path> files = new ArrayList<>();
    if (authFile != null) {
      files.add(authFile);
    }
    String raf = env.get("REGISTRY_AUTH_FILE");
    if (raf != null && !raf.isEmpty()) {
      files.add(Path.of(raf));
    }
    String runtime = env.get("XDG_RUNTIME_DIR");
    if (runtime != null && !runtime.isEmpty()) {
      files.add(Path.of(runtime, "containers", "auth.json"));
    }
    String xdgConfig = env.get("XDG_CONFIG_HOME");
    Path configHome =
        xdgConfig != null && !xdgConfig.isEmpty() ? Path.of(xdgConfig) : home.resolve(".config");
    files.add(configHome.resolve("containers").resolve("auth.json"));
    String dockerConfig = env.get("DOCKER_CONFIG");
    Path docker =
        dockerConfig != null && !dockerConfig.isEmpty()
            ? Path.of(dockerConfig, "config.json")
            : home.resolve(".docker").resolve("config.json");
    files.add(docker);
    Path write =
        authFile != null ? authFile : raf != null && !raf.isEmpty() ? Path.of(raf) : docker;
    return new CredentialStore(files, write);
  }

  public static CredentialStore fromEnvironment() {
    return fromEnvironment(System.getenv(), Path.of(Home.dir()), null);
  }

  /** The file {@code login} writes to and {@code logout} edits first. */
  public Path writeFile() {
    return writeFile;
  }

  @Override
  public Optional<Credentials> find(String registry) {
    String host = normalize(registry);
    for (Path f : files) {
      ObjectNode cfg = read(f);
      if (cfg == null) {
        continue;
      }
      String helper = cfg.path("credHelpers").path(host).asText(null);
      if (helper == null && host.equals("docker.io")) {
        helper = cfg.path("credHelpers").path("index.docker.io").asText(null);
      }
      if (helper != null && !helper.isEmpty()) {
        return helper(helper).get(serverUrl(host));
      }
      JsonNode entry = findAuth(cfg.path("auths"), host);
      if (entry != null) {
        String auth = entry.path("auth").asText("");
        if (!auth.isEmpty()) {
          Credentials c = Credentials.decodeAuth(auth);
          if (c == null) {
            throw new AuthException(
                f + ": the auth entry for " + host + " is not base64 of user:password");
          }
          return Optional.of(c);
        }
        String token = entry.path("identitytoken").asText("");
        if (!token.isEmpty()) {
          return Optional.of(new Credentials(Credentials.TOKEN_USER, token));
        }
      }
      String store = cfg.path("credsStore").asText("");
      if (!store.isEmpty()) {
        Optional<Credentials> c = helper(store).get(serverUrl(host));
        if (c.isPresent()) {
          return c;
        }
      }
    }
    return Optional.empty();
  }

  /** Saves credentials for {@code registry}; returns where they went (a file or a helper). */
  public String store(String registry, Credentials c) {
    String host = normalize(registry);
    ObjectNode cfg = read(writeFile);
    if (cfg == null) {
      cfg = Json.object();
    }
    String helper = helperFor(cfg, host);
    if (helper != null) {
      CredentialHelper h = helper(helper);
      h.store(serverUrl(host), c);
      // A stale plain entry would shadow nothing, but would keep the old secret on disk.
      removeAuth(cfg, host);
      write(writeFile, cfg);
      return h.executable();
    }
    JsonNode auths = cfg.get("auths");
    ObjectNode a = auths instanceof ObjectNode o ? o : cfg.putObject("auths");
    removeAuth(cfg, host);
    a.putObject(host.equals("docker.io") ? DOCKER_HUB_KEY : host).put("auth", c.encodeAuth());
    write(writeFile, cfg);
    return writeFile.toString();
  }

  /** Removes credentials for {@code registry} from every file and helper; false if none were. */
  public boolean erase(String registry) {
    String host = normalize(registry);
    boolean any = false;
    for (Path f : files) {
      ObjectNode cfg = read(f);
      if (cfg == null) {
        continue;
      }
      String helper = helperFor(cfg, host);
      if (helper != null) {
        any |= helper(helper).erase(serverUrl(host));
      }
      if (removeAuth(cfg, host)) {
        write(f, cfg);
        any = true;
      }
    }
    return any;
  }

  private static String helperFor(ObjectNode cfg, String host) {
    String h = cfg.path("credHelpers").path(host).asText("");
    if (h.isEmpty()) {
      h = cfg.path("credsStore").asText("");
    }
    return h.isEmpty() ? null : h;
  }

  private static boolean removeAuth(ObjectNode cfg, String host) {
    if (!(cfg.get("auths") instanceof ObjectNode auths)) {
      return false;
    }
    List<String> drop = new ArrayList<>();
    for (Iterator<String> it = auths.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (normalize(k).equals(host)) {
        drop.add(k);
      }
    }
    drop.forEach(auths::remove);
    return !drop.isEmpty();
  }

  private static JsonNode findAuth(JsonNode auths, String host) {
    if (!auths.isObject()) {
      return null;
    }
    JsonNode exact = auths.get(host);
    if (exact != null) {
      return exact;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (normalize(e.getKey()).equals(host)) {
        return e.getValue();
      }
    }
    return null;
  }

  /**
   * The registry host a config key names: {@code https://index.docker.io/v1/} is {@code docker.io},
   * {@code http://h:5000/v2/} is {@code h:5000}.
   */
  public static String normalize(String key) {
    String k = key.trim();
    int scheme = k.indexOf("://");
    if (scheme >= 0) {
      k = k.substring(scheme + 3);
    }
    int slash = k.indexOf('/');
    if (slash >= 0) {
      k = k.substring(0, slash);
    }
    k = k.toLowerCase(Locale.ROOT);
    if (k.equals("index.docker.io") || k.equals("registry-1.docker.io")) {
      return "docker.io";
    }
    return k;
  }

  /** What helpers are asked for: docker's Hub URL, otherwise the host. */
  static String serverUrl(String host) {
    return host.equals("docker.io") ? DOCKER_HUB_KEY : host;
  }

  private static ObjectNode read(Path f) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(f);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new AuthException("cannot read " + f + ": " + e.getMessage());
    }
    if (bytes.length == 0) {
      return null;
    }
    try {
      return Json.parseObject(bytes);
    } catch (InvalidJsonException e) {
      throw new AuthException(f + " is not valid JSON: " + e.getMessage());
    }
  }

  private static void write(Path f, ObjectNode cfg) {
    try {
      Path dir = f.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp =
          Files.createTempFile(
              dir,
              "." + f.getFileName(),
              ".tmp",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try {
        Files.write(tmp, Json.pretty(cfg).getBytes(StandardCharsets.UTF_8));
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new AuthException("cannot write " + f + ": " + e.getMessage());
    }
  }
}
