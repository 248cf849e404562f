package dev.strata.registry.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.nshelper.JvmLocale;
import dev.strata.oci.InvalidJsonException;
import dev.strata.oci.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A docker credential helper: the executable {@code docker-credential-NAME} on PATH, spoken to with
 * {@code get}, {@code store} and {@code erase} and the server URL or a JSON document on stdin
 * (docker-credential-helpers' protocol). Its output is never put in an error message: it may hold
 * the secret.
 */
public final class CredentialHelper {
  private static final long TIMEOUT_SECONDS = 60;

  private final String name;
  private final List<Path> searchPath;

  /** The helper {@code docker-credential-NAME}, looked up on {@code $PATH}. */
  public CredentialHelper(String name) {
    this(name, pathDirs());
  }

  /** The helper looked up in {@code searchPath} (tests put a script there). */
  CredentialHelper(String name, List<Path> searchPath) {
    if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
      throw new AuthException("invalid credential helper name \"" + name + "\"");
    }
    this.name = name;
    this.searchPath = List.copyOf(searchPath);
  }

  static List<Path> pathDirs() {
    String path = System.getenv("PATH");
    List<Path> out = new ArrayList<>();
    for (String d : (path == null ? "" : path).split(":")) {
      if (!d.isEmpty()) {
        out.add(Path.of(d));
      }
    }
    return out;
  }

  private String resolve() {
    for (Path d : searchPath) {
      Path p = d.resolve(executable());
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new AuthException(
        "credential helper "
            + executable()
            + " is not on PATH (named by credsStore or credHelpers)");
  }

  public String executable() {
    return "docker-credential-" + name;
  }

  /** The credentials the helper holds for {@code serverUrl}, or empty when it has none. */
  public Optional<Credentials> get(String serverUrl) {
    Result r = run("get", serverUrl.getBytes(StandardCharsets.UTF_8));
    if (r.exit != 0) {
      String out = new String(r.stdout, StandardCharsets.UTF_8);
      if (out.contains("credentials not found")) {
        return Optional.empty();
      }
      throw new AuthException(
          executable() + " get failed for " + serverUrl + " (exit " + r.exit + ")");
    }
    try {
      JsonNode n = Json.parse(r.stdout);
      String user = n.path("Username").asText("");
      String secret = n.path("Secret").asText("");
      if (secret.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new Credentials(user, secret));
    } catch (InvalidJsonException e) {
      throw new AuthException(
          executable() + " get for " + serverUrl + " did not print a JSON object");
    }
  }

  public void store(String serverUrl, Credentials c) {
    ObjectNode o = Json.object();
    o.put("ServerURL", serverUrl);
    o.put("Username", c.username());
    o.put("Secret", c.secret());
    Result r = run("store", Json.bytes(o));
    if (r.exit != 0) {
      throw new AuthException(
          executable() + " store failed for " + serverUrl + " (exit " + r.exit + ")");
    }
  }

  /** Forgets the credentials for {@code serverUrl}; false when the helper had none. */
  public boolean erase(String serverUrl) {
    Result r = run("erase", serverUrl.getBytes(StandardCharsets.UTF_8));
    if (r.exit != 0) {
      if (new String(r.stdout, StandardCharsets.UTF_8).contains("credentials not found")) {
        return false;
      }
      throw new AuthException(
          executable() + " erase failed for " + serverUrl + " (exit " + r.exit + ")");
    }
    return true;
  }

  private record Result(int exit, byte[] stdout) {}

  private Result run(String verb, byte[] stdin) {
    Process p;
    try {
      ProcessBuilder pb =
          new ProcessBuilder(List.of(resolve(), verb))
              .redirectError(ProcessBuilder.Redirect.DISCARD);
      JvmLocale.forCallerCommand(pb.environment()); // the caller's program, in the caller's locale
      p = pb.start();
    } catch (IOException e) {
      throw new AuthException(
          "credential helper "
              + executable()
              + " is not on PATH (named by credsStore or credHelpers)");
    }
    try (OutputStream in = p.getOutputStream()) {
      in.write(stdin);
    } catch (IOException e) {
      // the helper may exit without reading; its exit code tells
    }
    try (InputStream out = p.getInputStream()) {
      byte[] stdout = out.readNBytes(1 << 20);
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AuthException(
            executable() + " " + verb + " did not finish in " + TIMEOUT_SECONDS + "s");
      }
      return new Result(p.exitValue(), stdout);
    } catch (IOException e) {
      throw new AuthException(executable() + " " + verb + ": " + e.getMessage());
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new AuthException(executable() + " " + verb + " interrupted");
    }
  }
}
