package dev.strata.frontend.plan;

import dev.strata.frontend.instructions.Location;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Parses one expanded {@code --mount} value, a CSV list of {@code key=value} (BuildKit's
 * commands_runmount.go): defaults per type, aliases ({@code dst}, {@code src}, {@code ro}) and the
 * checks BuildKit makes.
 */
final class RunMountConverter {
  private static final Set<String> TYPES = Set.of("bind", "cache", "tmpfs", "secret", "ssh");
  private static final Set<String> SHARING = Set.of("shared", "private", "locked");

  private RunMountConverter() {}

  static Mount convert(String value, Location loc) throws PlanException {
    String type = "bind";
    String target = null;
    String source = null;
    String from = null;
    Boolean readOnly = null;
    String id = null;
    String sharing = null;
    String mode = null;
    Long uid = null;
    Long gid = null;
    boolean required = false;
    String size = null;
    String env = null;
    for (String field : csv(value, loc)) {
      int eq = field.indexOf('=');
      String key = (eq < 0 ? field : field.substring(0, eq)).toLowerCase(Locale.ROOT);
      String v = eq < 0 ? null : field.substring(eq + 1);
      switch (key) {
        case "type":
          if (v == null || !TYPES.contains(v)) {
            throw new PlanException(
                "unsupported mount type \"" + v + "\" (bind, cache, tmpfs, secret or ssh)",
                loc,
                field);
          }
          type = v;
          break;
        case "target":
        case "dst":
        case "destination":
          target = need(key, v, loc);
          break;
        case "source":
        case "src":
          source = need(key, v, loc);
          break;
        case "from":
          from = need(key, v, loc);
          break;
        case "readonly":
        case "ro":
          readOnly = bool(key, v, loc);
          break;
        case "readwrite":
        case "rw":
          readOnly = !bool(key, v, loc);
          break;
        case "required":
          required = bool(key, v, loc);
          break;
        case "id":
          id = need(key, v, loc);
          break;
        case "sharing":
          sharing = need(key, v, loc);
          if (!SHARING.contains(sharing)) {
            throw new PlanException(
                "unsupported sharing value \"" + sharing + "\" (shared, private or locked)",
                loc,
                field);
          }
          break;
        case "mode":
          mode = need(key, v, loc);
          if (!mode.matches("[0-7]{1,4}")) {
            throw new PlanException(
                "invalid mount mode \"" + mode + "\": an octal number", loc, field);
          }
          break;
        case "uid":
          uid = number(key, v, loc);
          break;
        case "gid":
          gid = number(key, v, loc);
          break;
        case "size":
          size = need(key, v, loc);
          try {
            Mount.bytes(size);
          } catch (NumberFormatException | ArithmeticException e) {
            throw new PlanException(
                "--mount size=" + size + ": want bytes, or a number with k, m or g", loc, field);
          }
          break;
        case "env":
          env = need(key, v, loc);
          break;
        default:
          throw new PlanException(
              "unexpected key '" + key + "' in '" + field + "' of --mount", loc, field);
      }
    }
    switch (type) {
      case "secret":
        if (id == null && target == null) {
          throw new PlanException("secret mount requires id or target", loc, value);
        }
        if (id == null) {
          id = target.substring(target.lastIndexOf('/') + 1);
        }
        if (target == null && env == null) {
          target = "/run/secrets/" + id;
        }
        break;
      case "ssh":
        if (id == null) {
          id = "default";
        }
        break;
      default:
        if (target == null) {
          // BuildKit joins path.Clean(target) with the WORKDIR, and path.Clean("") is ".": with no
          // target the mount lies at the WORKDIR (and a cache's default id is "."). The Dockerfiles
          // of moby, buildx and compose write RUN --mount=from=binaries so.
          target = ".";
        }
        if (target.startsWith("/") && isRoot(target)) {
          throw new PlanException(
              "invalid mount target \"" + target + "\": a mount cannot cover the root", loc, value);
        }
    }
    if (!type.equals("cache") && sharing != null) {
      throw new PlanException("sharing is only for cache mounts", loc, value);
    }
    if (from != null && !type.equals("bind") && !type.equals("cache")) {
      throw new PlanException("from is only for bind and cache mounts", loc, value);
    }
    boolean ro =
        readOnly != null
            ? readOnly
            : type.equals("bind") || type.equals("secret") || type.equals("ssh");
    // the source is looked up inside the context or the from= tree; cache mounts read it only with
    // from=
    if (source != null
        && (type.equals("bind") || type.equals("cache") && from != null)
        && SourceForms.climbsAboveRoot(source)) {
      String what = from == null ? "the build context" : "from=" + from;
      throw new PlanException("--mount source=" + source + ": climbs out of " + what, loc, value);
    }
    if (type.equals("cache") && sharing == null) {
      sharing = "shared";
    }
    return new Mount(
        type, target, source, from, ro, id, sharing, mode, uid, gid, required, size, env);
  }

  /** Whether absolute {@code path} names the root once cleaned lexically ("/", "/a/..", "/."). */
  private static boolean isRoot(String path) {
    int depth = 0;
    for (String c : path.split("/")) {
      if (c.equals("..")) {
        depth = Math.max(0, depth - 1);
      } else if (!c.isEmpty() && !c.equals(".")) {
        depth++;
      }
    }
    return depth == 0;
  }

  private static String need(String key, String v, Location loc) throws PlanException {
    if (v == null || v.isEmpty()) {
      throw new PlanException("--mount " + key + " needs a value", loc, key);
    }
    return v;
  }

  private static boolean bool(String key, String v, Location loc) throws PlanException {
    if (v == null || v.equalsIgnoreCase("true") || v.equals("1")) {
      return true;
    }
    if (v.equalsIgnoreCase("false") || v.equals("0")) {
      return false;
    }
    throw new PlanException(
        "invalid value for --mount " + key + ": \"" + v + "\" (true or false)", loc, key);
  }

  private static Long number(String key, String v, Location loc) throws PlanException {
    try {
      return Long.valueOf(need(key, v, loc));
    } catch (NumberFormatException e) {
      throw new PlanException(
          "invalid value for --mount " + key + ": \"" + v + "\" (a number)", loc, key);
    }
  }

  /** Go's encoding/csv for one record: commas separate, double quotes quote ("" is a quote). */
  static List<String> csv(String s, Location loc) throws PlanException {
    List<String> out = new ArrayList<>();
    StringBuilder f = new StringBuilder();
    boolean quoted = false;
    boolean fieldStart = true;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < s.length() && s.charAt(i + 1) == '"') {
            f.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          f.append(c);
        }
      } else if (c == '"' && fieldStart) {
        quoted = true;
        fieldStart = false;
      } else if (c == ',') {
        out.add(f.toString());
        f.setLength(0);
        fieldStart = true;
      } else {
        f.append(c);
        fieldStart = false;
      }
    }
    if (quoted) {
      throw new PlanException("unterminated quote in --mount=" + s, loc, s);
    }
    out.add(f.toString());
    out.removeIf(String::isEmpty);
    return out;
  }
}
