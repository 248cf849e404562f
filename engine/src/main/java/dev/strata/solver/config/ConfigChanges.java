package dev.strata.solver.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.frontend.instructions.Command;
import dev.strata.frontend.instructions.Instruction;
import dev.strata.frontend.instructions.KeyValue;
import dev.strata.frontend.plan.Environment;
import dev.strata.oci.ImageConfig;
import dev.strata.oci.Json;
import dev.strata.solver.BuildException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a metadata instruction does to the image config, as Docker and buildah write it (field names
 * of the image spec's {@code config} section).
 */
public final class ConfigChanges {
  private ConfigChanges() {}

  /**
   * Applies {@code in}; returns the same config for instructions that change no config field (ARG).
   * {@code cmdSetHere} tells whether this stage set CMD (ENTRYPOINT resets an inherited CMD, as
   * Docker does).
   */
  public static ImageConfig apply(
      ImageConfig c, Instruction in, List<String> shell, boolean cmdSetHere) {
    if (in instanceof Instruction.Env e) {
      List<String> env = new ArrayList<>(c.env());
      for (KeyValue kv : e.vars()) {
        String prefix = kv.key() + "=";
        String entry = prefix + (kv.value() == null ? "" : kv.value());
        int at = -1;
        for (int i = 0; i < env.size(); i++) {
          if (env.get(i).startsWith(prefix)) {
            at = i;
          }
        }
        if (at >= 0) {
          env.set(at, entry);
        } else {
          env.add(entry);
        }
      }
      return c.withEnv(env);
    }
    if (in instanceof Instruction.Label l) {
      ObjectNode labels = objectField(c, "Labels");
      l.labels().forEach(kv -> labels.put(kv.key(), kv.value() == null ? "" : kv.value()));
      return c.withConfigField("Labels", sorted(labels));
    }
    if (in instanceof Instruction.Expose x) {
      ObjectNode ports = objectField(c, "ExposedPorts");
      for (String p : x.ports()) {
        ports.putObject(p.contains("/") ? p.toLowerCase() : p + "/tcp");
      }
      return c.withConfigField("ExposedPorts", sorted(ports));
    }
    if (in instanceof Instruction.Volume v) {
      ObjectNode vols = objectField(c, "Volumes");
      v.paths().forEach(vols::putObject);
      return c.withConfigField("Volumes", sorted(vols));
    }
    if (in instanceof Instruction.User u) {
      return c.withConfigField("User", text(u.user()));
    }
    if (in instanceof Instruction.Workdir w) {
      return c.withConfigField("WorkingDir", text(workdir(c, w.path())));
    }
    if (in instanceof Instruction.Entrypoint ep) {
      ImageConfig n = c.withConfigField("Entrypoint", argv(ep.command(), shell));
      return cmdSetHere ? n : n.withConfigField("Cmd", null);
    }
    if (in instanceof Instruction.Cmd cmd) {
      return c.withConfigField("Cmd", argv(cmd.command(), shell));
    }
    if (in instanceof Instruction.Shell sh) {
      return c.withConfigField("Shell", strings(sh.shell()));
    }
    if (in instanceof Instruction.StopSignal st) {
      return c.withConfigField("StopSignal", text(st.signal()));
    }
    if (in instanceof Instruction.Healthcheck h) {
      return c.withConfigField("Healthcheck", healthcheck(h, shell));
    }
    if (in instanceof Instruction.Onbuild o) {
      List<String> triggers = new ArrayList<>(c.onBuild());
      triggers.add(o.trigger());
      return c.withConfigField("OnBuild", strings(triggers));
    }
    if (in instanceof Instruction.Maintainer m) {
      return c.withField("author", m.name());
    }
    return c;
  }

  /**
   * A base's config with PATH set: BuildKit's empty image (scratch) has the default PATH, and
   * dockerfile2llb appends it to any base config without one ("make sure that PATH is always set"),
   * as the frontend already does for the steps' environment.
   */
  public static ImageConfig withPath(ImageConfig c) {
    for (String e : c.env()) {
      if (e.startsWith("PATH=")) {
        return c;
      }
    }
    List<String> env = new ArrayList<>(c.env());
    env.add("PATH=" + Environment.DEFAULT_PATH);
    return c.withEnv(env);
  }

  /**
   * WORKDIR as BuildKit stores it (system.NormalizeWorkdir): an absolute path as written, a
   * trailing slash kept ({@code /tmp/} stays {@code /tmp/}); a relative one joined to the previous
   * WORKDIR as Go's path.Join does, cleaned, so without a trailing slash.
   */
  static String workdir(ImageConfig c, String path) {
    if (path.startsWith("/")) {
      return path;
    }
    String base = c.workingDir();
    String p = (base.isEmpty() ? "/" : base) + "/" + path;
    return Path.of(p).normalize().toString();
  }

  /** Exec form as it is; shell form run by the stage's SHELL. */
  static ArrayNode argv(Command cmd, List<String> shell) {
    List<String> a = new ArrayList<>();
    if (cmd.exec()) {
      a.addAll(cmd.args());
    } else {
      a.addAll(shell);
      a.add(cmd.shellLine());
    }
    return strings(a);
  }

  private static ObjectNode healthcheck(Instruction.Healthcheck h, List<String> shell) {
    ObjectNode o = Json.object();
    ArrayNode test = o.putArray("Test");
    if (h.command() == null) {
      test.add("NONE");
      return o;
    }
    if (h.command().exec()) {
      test.add("CMD");
      h.command().args().forEach(test::add);
    } else {
      test.add("CMD-SHELL").add(h.command().shellLine());
    }
    putDuration(o, "Interval", h.interval());
    putDuration(o, "Timeout", h.timeout());
    putDuration(o, "StartPeriod", h.startPeriod());
    putDuration(o, "StartInterval", h.startInterval());
    if (h.retries() != null) {
      o.put("Retries", h.retries());
    }
    return o;
  }

  /** Go durations ("30s", "1m30s", "500ms") as nanoseconds, as Docker stores them. */
  static void putDuration(ObjectNode o, String field, String go) {
    if (go == null || go.isEmpty()) {
      return;
    }
    o.put(field, goDuration(go).toNanos());
  }

  static Duration goDuration(String s) {
    Matcher m = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)").matcher(s);
    double nanos = 0;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        throw new BuildException("bad duration \"" + s + "\"");
      }
      end = m.end();
      double v = Double.parseDouble(m.group(1));
      double unit =
          switch (m.group(2)) {
            case "ns" -> 1;
            case "us", "µs" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            default -> 3600e9;
          };
      nanos += v * unit;
    }
    if (end != s.length() || end == 0) {
      throw new BuildException("bad duration \"" + s + "\" (want e.g. 30s, 1m30s)");
    }
    return Duration.ofNanos((long) nanos);
  }

  private static ObjectNode objectField(ImageConfig c, String name) {
    JsonNode old = c.configField(name); // a copy
    return old.isObject() ? (ObjectNode) old : Json.object();
  }

  /** Keys sorted, as Go's encoding/json writes a map (Labels, ExposedPorts, Volumes). */
  private static ObjectNode sorted(ObjectNode o) {
    ObjectNode out = Json.object();
    new TreeMap<String, JsonNode>(toMap(o)).forEach(out::set);
    return out;
  }

  private static Map<String, JsonNode> toMap(ObjectNode o) {
    Map<String, JsonNode> m = new LinkedHashMap<>();
    o.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue()));
    return m;
  }

  public static ArrayNode strings(List<String> l) {
    ArrayNode a = Json.object().arrayNode();
    l.forEach(a::add);
    return a;
  }

  private static JsonNode text(String s) {
    return Json.object().textNode(s);
  }
}
