package dev.strata.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A content descriptor (image-spec descriptor.md): what a blob is, its digest and size.
 *
 * @param annotations never null; insertion-ordered
 * @param platform null unless the descriptor is an index entry that names one
 */
public record Descriptor(
    String mediaType,
    Digest digest,
    long size,
    Map<String, String> annotations,
    Platform platform) {

  /** The annotation that names an image in an OCI layout's index.json. */
  public static final String REF_NAME = "org.opencontainers.image.ref.name";

  public Descriptor {
    if (mediaType == null || mediaType.isEmpty()) {
      throw new IllegalArgumentException("descriptor without mediaType");
    }
    if (digest == null) {
      throw new IllegalArgumentException("descriptor without digest");
    }
    if (size < 0) {
      throw new IllegalArgumentException("descriptor of " + digest + " has negative size");
    }
    annotations =
        annotations == null || annotations.isEmpty()
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
  }

  public Descriptor(String mediaType, Digest digest, long size) {
    this(mediaType, digest, size, Map.of(), null);
  }

  /** The same descriptor with one annotation set. */
  public Descriptor withAnnotation(String key, String value) {
    Map<String, String> a = new LinkedHashMap<>(annotations);
    a.put(key, value);
    return new Descriptor(mediaType, digest, size, a, platform);
  }

  /** The image name of an index.json entry, or null. */
  public String refName() {
    return annotations.get(REF_NAME);
  }

  /** Reads a descriptor object; throws naming the field that is wrong. */
  public static Descriptor fromJson(JsonNode n) {
    if (n == null || !n.isObject()) {
      throw new InvalidJsonException("descriptor is not an object");
    }
    JsonNode size = n.get("size");
    if (size == null || !size.isIntegralNumber()) {
      throw new InvalidJsonException("descriptor without a numeric size");
    }
    Map<String, String> ann = new LinkedHashMap<>();
    JsonNode a = n.get("annotations");
    if (a != null && a.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        ann.put(e.getKey(), e.getValue().asText());
      }
    }
    return new Descriptor(
        n.path("mediaType").asText(null),
        Digest.parse(n.path("digest").asText(null)),
        size.longValue(),
        ann,
        Platform.fromJson(n.get("platform")));
  }

  /** The JSON object, fields in the order of image-spec's Go struct. */
  public ObjectNode toJson() {
    ObjectNode o = Json.object();
    o.put("mediaType", mediaType);
    o.put("digest", digest.toString());
    o.put("size", size);
    if (!annotations.isEmpty()) {
      ObjectNode a = o.putObject("annotations");
      annotations.forEach(a::put);
    }
    if (platform != null) {
      o.set("platform", platform.toJson());
    }
    return o;
  }
}
