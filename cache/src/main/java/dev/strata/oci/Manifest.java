package dev.strata.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An image manifest, OCI (image-spec manifest.md) or Docker v2 schema 2, over its JSON tree so that
 * fields Strata does not know survive a round trip.
 */
public final class Manifest {
  private final ObjectNode json;
  private final String mediaType;
  private final Descriptor config;
  private final List<Descriptor> layers;

  private Manifest(ObjectNode json, String fallbackMediaType) {
    this.json = json;
    JsonNode mt = json.get("mediaType");
    this.mediaType = mt != null && mt.isTextual() ? mt.asText() : fallbackMediaType;
    if (!MediaType.isManifest(mediaType)) {
      throw new InvalidJsonException("not an image manifest: mediaType " + mediaType);
    }
    if (json.path("schemaVersion").asInt(-1) != 2) {
      throw new InvalidJsonException("manifest schemaVersion is not 2");
    }
    this.config = Descriptor.fromJson(json.get("config"));
    JsonNode ls = json.get("layers");
    if (ls == null || !ls.isArray()) {
      throw new InvalidJsonException("manifest has no layers array");
    }
    List<Descriptor> l = new ArrayList<>();
    for (JsonNode n : ls) {
      l.add(Descriptor.fromJson(n));
    }
    this.layers = List.copyOf(l);
  }

  /**
   * Parses manifest bytes. An OCI manifest may omit mediaType (image-spec 1.0); {@code
   * descriptorMediaType} (from the descriptor that pointed here) fills it in.
   */
  public static Manifest parse(byte[] bytes, String descriptorMediaType) {
    return new Manifest(
        Json.parseObject(bytes),
        descriptorMediaType == null ? MediaType.OCI_MANIFEST : descriptorMediaType);
  }

  public static Manifest parse(byte[] bytes) {
    return parse(bytes, null);
  }

  /** A new OCI image manifest. */
  public static Manifest oci(Descriptor config, List<Descriptor> layers) {
    return oci(config, layers, Map.of());
  }

  /** A new OCI image manifest with these {@code annotations} (none: no field, as before). */
  public static Manifest oci(
      Descriptor config, List<Descriptor> layers, Map<String, String> annotations) {
    ObjectNode o = Json.object();
    o.put("schemaVersion", 2);
    o.put("mediaType", MediaType.OCI_MANIFEST);
    o.set("config", config.toJson());
    ArrayNode a = o.putArray("layers");
    layers.forEach(d -> a.add(d.toJson()));
    if (!annotations.isEmpty()) {
      ObjectNode an = o.putObject("annotations");
      new TreeMap<>(annotations).forEach(an::put); // sorted keys, as Go writes a map
    }
    return new Manifest(o, MediaType.OCI_MANIFEST);
  }

  public String mediaType() {
    return mediaType;
  }

  public Descriptor config() {
    return config;
  }

  public List<Descriptor> layers() {
    return layers;
  }

  /** Sum of the layer sizes plus the config: what the image takes in blobs. */
  public long totalSize() {
    long s = config.size();
    for (Descriptor d : layers) {
      s += d.size();
    }
    return s;
  }

  /** Canonical bytes (see {@link Json}). */
  public byte[] bytes() {
    return Json.bytes(json);
  }

  /** A copy of the tree. */
  public ObjectNode json() {
    return json.deepCopy();
  }
}
