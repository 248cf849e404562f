package dev.strata.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An image configuration (image-spec config.md; Docker's container.image.v1 is the same shape),
 * over its JSON tree: unknown fields survive, changes return a new config.
 */
public final class ImageConfig {
  private final ObjectNode json;

  private ImageConfig(ObjectNode json) {
    this.json = json;
    if (!json.path("architecture").isTextual() || !json.path("os").isTextual()) {
      throw new InvalidJsonException("image config without architecture or os");
    }
    JsonNode rootfs = json.get("rootfs");
    if (rootfs == null || !rootfs.path("diff_ids").isArray()) {
      throw new InvalidJsonException("image config without rootfs.diff_ids");
    }
    for (JsonNode d : rootfs.get("diff_ids")) {
      Digest.parse(d.asText());
    }
  }

  public static ImageConfig parse(byte[] bytes) {
    return new ImageConfig(Json.parseObject(bytes));
  }

  /** A config with no layers for {@code platform}, created at {@code created}. */
  public static ImageConfig empty(Platform platform, Instant created) {
    ObjectNode o = Json.object();
    o.put("created", timestamp(created));
    o.put("architecture", platform.architecture());
    o.put("os", platform.os());
    if (platform.variant() != null) {
      o.put("variant", platform.variant());
    }
    o.putObject("config");
    ObjectNode rootfs = o.putObject("rootfs");
    rootfs.put("type", "layers");
    rootfs.putArray("diff_ids");
    o.putArray("history");
    return new ImageConfig(o);
  }

  /** RFC 3339 with nanoseconds trimmed as Go's time.RFC3339Nano does. */
  public static String timestamp(Instant t) {
    return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.NANOS));
  }

  public String architecture() {
    return json.get("architecture").asText();
  }

  public String os() {
    return json.get("os").asText();
  }

  public Platform platform() {
    return new Platform(os(), architecture(), json.path("variant").asText(null));
  }

  /** The {@code created} timestamp, or null when absent or unparsable. */
  public Instant created() {
    JsonNode c = json.get("created");
    if (c == null || !c.isTextual()) {
      return null;
    }
    try {
      return DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(c.asText(), Instant::from);
    } catch (RuntimeException e) {
      return null;
    }
  }

  public List<Digest> diffIds() {
    List<Digest> l = new ArrayList<>();
    for (JsonNode d : json.get("rootfs").get("diff_ids")) {
      l.add(Digest.parse(d.asText()));
    }
    return l;
  }

  /**
   * A copy of one field of the {@code config} section, or a missing node: changing it changes
   * nothing here (a config is a value). The typed accessors below serve the usual fields.
   */
  public JsonNode configField(String name) {
    return field(name).deepCopy();
  }

  private JsonNode field(String name) {
    return json.path("config").path(name);
  }

  /** {@code config.Env}: {@code K=V} entries, in order; empty when absent. */
  public List<String> env() {
    return strings("Env");
  }

  /** {@code config.WorkingDir}, or "" when absent. */
  public String workingDir() {
    return field("WorkingDir").asText("");
  }

  /** {@code config.User} ({@code user[:group]}), or "" when absent. */
  public String user() {
    return field("User").asText("");
  }

  /** {@code config.Entrypoint}; empty when absent or null. */
  public List<String> entrypoint() {
    return strings("Entrypoint");
  }

  /** {@code config.Cmd}; empty when absent or null. */
  public List<String> cmd() {
    return strings("Cmd");
  }

  /** {@code config.OnBuild} triggers, in order; empty when absent. */
  public List<String> onBuild() {
    return strings("OnBuild");
  }

  /** {@code config.StopSignal}, or "" when absent. */
  public String stopSignal() {
    return field("StopSignal").asText("");
  }

  /** {@code config.Labels}, in the config's order; empty when absent. */
  public Map<String, String> labels() {
    Map<String, String> m = new LinkedHashMap<>();
    field("Labels").fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
    return Collections.unmodifiableMap(m);
  }

  /**
   * {@code config.ExposedPorts} keys ({@code 80/tcp}), in the config's order; empty when absent.
   */
  public Set<String> exposedPorts() {
    return keys("ExposedPorts");
  }

  /** {@code config.Volumes} keys, in the config's order; empty when absent. */
  public Set<String> volumes() {
    return keys("Volumes");
  }

  private List<String> strings(String name) {
    List<String> l = new ArrayList<>();
    field(name).forEach(n -> l.add(n.asText()));
    return List.copyOf(l);
  }

  private Set<String> keys(String name) {
    Set<String> s = new LinkedHashSet<>();
    field(name).fieldNames().forEachRemaining(s::add);
    return Collections.unmodifiableSet(s);
  }

  /** The same config with one field of the {@code config} section set (null removes it). */
  public ImageConfig withConfigField(String name, JsonNode value) {
    ObjectNode o = json.deepCopy();
    ObjectNode c = o.with("config");
    if (value == null || value.isNull()) {
      c.remove(name);
    } else {
      c.set(name, value);
    }
    return new ImageConfig(o);
  }

  /** The same config with {@code Env} set from a list of {@code K=V}. */
  public ImageConfig withEnv(List<String> env) {
    ArrayNode a = Json.object().arrayNode();
    env.forEach(a::add);
    return withConfigField("Env", a);
  }

  /** The same config with {@code Cmd} set. */
  public ImageConfig withCmd(List<String> cmd) {
    ArrayNode a = Json.object().arrayNode();
    cmd.forEach(a::add);
    return withConfigField("Cmd", a);
  }

  /** The same config with a top-level field set ({@code created}, {@code author}, ...). */
  public ImageConfig withField(String name, String value) {
    ObjectNode o = json.deepCopy();
    o.put(name, value);
    return new ImageConfig(o);
  }

  /**
   * The same config with one more history entry and, unless {@code diffId} is null (a metadata-only
   * step, {@code empty_layer}), one more layer.
   */
  public ImageConfig withLayer(Digest diffId, Instant created, String createdBy, String comment) {
    ObjectNode o = json.deepCopy();
    if (diffId != null) {
      ((ArrayNode) o.get("rootfs").get("diff_ids")).add(diffId.toString());
    }
    ObjectNode h = o.withArray("history").addObject();
    h.put("created", timestamp(created));
    h.put("created_by", createdBy);
    if (comment != null) {
      h.put("comment", comment);
    }
    if (diffId == null) {
      h.put("empty_layer", true);
    }
    return new ImageConfig(o);
  }

  public byte[] bytes() {
    return Json.bytes(json);
  }

  public ObjectNode json() {
    return json.deepCopy();
  }
}
