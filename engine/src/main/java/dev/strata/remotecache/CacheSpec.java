package dev.strata.remotecache;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@code --cache-to} or {@code --cache-from} value, as buildx spells it: {@code
 * type=local,dest=DIR[,mode=min|max]} to export, {@code type=local,src=DIR} to import.
 *
 * @param dir the OCI layout directory
 * @param max export the records of every stage ({@code mode=max}), not only those of the final
 *     image's steps ({@code mode=min}, buildx's default)
 */
public record CacheSpec(Path dir, boolean max) {

  /** Parses a {@code --cache-to} value; a bad one throws with the option and the fault named. */
  public static CacheSpec to(String text) {
    Map<String, String> kv = fields("--cache-to", text);
    String mode = kv.getOrDefault("mode", "min");
    if (!mode.equals("min") && !mode.equals("max")) {
      throw new IllegalArgumentException("--cache-to " + text + ": mode=" + mode + ": want min or max");
    }
    return new CacheSpec(dir("--cache-to", text, kv, "dest"), mode.equals("max"));
  }

  /** Parses a {@code --cache-from} value. */
  public static CacheSpec from(String text) {
    Map<String, String> kv = fields("--cache-from", text);
    return new CacheSpec(dir("--cache-from", text, kv, "src"), false);
  }

  private static Path dir(String flag, String text, Map<String, String> kv, String key) {
    String d = kv.get(key);
    if (d == null || d.isEmpty()) {
      throw new IllegalArgumentException(flag + " " + text + ": type=local needs " + key + "=DIR");
    }
    return Path.of(d).toAbsolutePath().normalize();
  }

  private static Map<String, String> fields(String flag, String text) {
    Map<String, String> kv = new LinkedHashMap<>();
    for (String part : text.split(",")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(flag + " " + text + ": \"" + part + "\" is not KEY=VALUE");
      }
      kv.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
    }
    String type = kv.get("type");
    if (type == null) {
      throw new IllegalArgumentException(flag + " " + text + ": type= is missing (type=local)");
    }
    if (!type.equals("local")) {
      throw new IllegalArgumentException(flag + " " + text + ": type=" + type + " is not supported (type=local)");
    }
    return kv;
  }
}
