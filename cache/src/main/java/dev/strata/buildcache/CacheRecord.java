package dev.strata.buildcache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.oci.Digest;
import dev.strata.oci.ImageConfig;
import dev.strata.oci.Json;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a cache key maps to: the layer the step made (absent for a step that changed no file), and
 * the step's inputs, kept so that a later miss can say which input changed.
 *
 * @param diffId the layer's diffID, or null when the step made no layer
 * @param blob the stored layer blob, or null
 * @param mediaType the blob's media type, or null
 * @param size the blob's size
 * @param uncompressedSize the layer tar's size
 * @param createdBy the history entry's created_by
 * @param inputs input name -> value summary (content hashes, environment)
 * @param created when the step ran, the history time a hit shows (as docker history shows a cached
 *     layer's age), or null for records made before it was kept
 */
public record CacheRecord(
    Digest diffId,
    Digest blob,
    String mediaType,
    long size,
    long uncompressedSize,
    String createdBy,
    Map<String, String> inputs,
    Instant created) {

  public CacheRecord {
    inputs = Map.copyOf(inputs);
    created = created == null ? null : created.truncatedTo(ChronoUnit.NANOS);
  }

  public CacheRecord(
      Digest diffId,
      Digest blob,
      String mediaType,
      long size,
      long uncompressedSize,
      String createdBy,
      Map<String, String> inputs) {
    this(diffId, blob, mediaType, size, uncompressedSize, createdBy, inputs, null);
  }

  public boolean hasLayer() {
    return diffId != null;
  }

  public byte[] encode() {
    ObjectNode o = Json.object();
    if (diffId != null) {
      o.put("diffId", diffId.toString());
      o.put("blob", blob.toString());
      o.put("mediaType", mediaType);
      o.put("size", size);
      o.put("uncompressedSize", uncompressedSize);
    }
    o.put("createdBy", createdBy);
    if (created != null) {
      o.put("created", ImageConfig.timestamp(created));
    }
    ObjectNode in = o.putObject("inputs");
    new java.util.TreeMap<>(inputs).forEach(in::put);
    return Json.bytes(o);
  }

  public static CacheRecord decode(byte[] bytes) {
    ObjectNode o = Json.parseObject(bytes);
    Map<String, String> inputs = new LinkedHashMap<>();
    JsonNode in = o.path("inputs");
    in.fieldNames().forEachRemaining(k -> inputs.put(k, in.get(k).asText()));
    boolean layer = o.has("diffId");
    return new CacheRecord(
        layer ? Digest.parse(o.get("diffId").asText()) : null,
        layer ? Digest.parse(o.get("blob").asText()) : null,
        layer ? o.get("mediaType").asText() : null,
        o.path("size").asLong(),
        o.path("uncompressedSize").asLong(),
        o.path("createdBy").asText(),
        inputs,
        o.has("created") ? Instant.parse(o.get("created").asText()) : null);
  }
}
