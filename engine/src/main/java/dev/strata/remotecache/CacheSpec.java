package dev.strata.remotecache;

import dev.strata.registry.RemoteImage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@code --cache-to} or {@code --cache-from} value, as buildx spells it: {@code
 * type=local,dest=DIR[,mode=min|max]} or {@code type=registry,ref=REG/REPO:TAG[,mode=min|max]} to
 * export, {@code type=local,src=DIR} or {@code type=registry,ref=REG/REPO:TAG} to import.
 *
 * @param dir the OCI layout directory (type=local), or null
 * @param ref the repository and tag (type=registry), or null
 * @param max export the records of every stage ({@code mode=max}), not only those of the final
 *     image's steps ({@code mode=min}, buildx's default)
 */
public record CacheSpec(Path dir, RemoteImage ref, boolean max) {

  /** A bundle directory. */
  public CacheSpec(Path dir, boolean max) {
    this(dir, null, max);
  }

  /** Parses a {@code --cache-to} value; a bad one throws with the option and the fault named. */
  public static CacheSpec to(String text) {
    Map<String, String> kv = fields("--cache-to", text);
    String mode = kv.getOrDefault("mode", "min");
    if (!mode.equals("min") && !mode.equals("max")) {
      throw new IllegalArgumentException(
          "--cache-to " + text + ": mode=" + mode + ": want min or max");
    }
    boolean max = mode.equals("max");
    return kv.get("type").equals("registry")
        ? new CacheSpec(null, ref("--cache-to", text, kv), max)
        : new CacheSpec(dir("--cache-to", text, kv, "dest"), null, max);
  }

  /** Parses a {@code --cache-from} value. */
  public static CacheSpec from(String text) {
    Map<String, String> kv = fields("--cache-from", text);
    return kv.get("type").equals("registry")
        ? new CacheSpec(null, ref("--cache-from", text, kv), false)
        : new CacheSpec(dir("--cache-from", text, kv, "src"), null, false);
  }

  /** True for type=registry. */
  public boolean registry() {
    return ref != null;
  }

  /** The directory or the reference, as messages name it. */
  public String shown() {
    return ref != null ? ref.toString() : dir.toString();
  }

  private static Path dir(String flag, String text, Map<String, String> kv, String key) {
    String d = kv.get(key);
    if (d == null || d.isEmpty()) {
      throw new IllegalArgumentException(flag + " " + text + ": type=local needs " + key + "=DIR");
    }
    return Path.of(d).toAbsolutePath().normalize();
  }

  private static RemoteImage ref(String flag, String text, Map<String, String> kv) {
    String r = kv.get("ref");
    if (r == null || r.isEmpty()) {
      throw new IllegalArgumentException(
          flag + " " + text + ": type=registry needs ref=REGISTRY/REPOSITORY:TAG");
    }
    RemoteImage ref;
    try {
      ref = RemoteImage.parse(r);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(flag + " " + text + ": ref=" + r + ": " + e.getMessage());
    }
    if (ref.digest() != null && flag.equals("--cache-to")) {
      throw new IllegalArgumentException(
          flag + " " + text + ": ref=" + r + ": a cache is pushed under a tag, not a digest");
    }
    return ref;
  }

  private static Map<String, String> fields(String flag, String text) {
    Map<String, String> kv = new LinkedHashMap<>();
    for (String part : text.split(",")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            flag + " " + text + ": \"" + part + "\" is not KEY=VALUE");
      }
      kv.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
    }
    String type = kv.get("type");
    if (type == null) {
      throw new IllegalArgumentException(
          flag + " " + text + ": type= is missing (type=local or type=registry)");
    }
    if (!type.equals("local") && !type.equals("registry")) {
      throw new IllegalArgumentException(
          flag + " " + text + ": type=" + type + " is not supported (type=local or type=registry)");
    }
    return kv;
  }
}
