package dev.strata.index;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.oci.Digest;
import dev.strata.oci.Json;

/**
 * One stored form of a layer: the blob that holds the layer with diffID {@code diffId} in {@code
 * mediaType}'s compression. A layer may have several (zstd in the store, gzip made once for a
 * push); the uncompressed size lets a docker-archive be written without a counting pass.
 */
public record LayerRecord(
    Digest diffId, Digest blob, String mediaType, long size, long uncompressedSize) {

  byte[] value() {
    ObjectNode o = Json.object();
    o.put("mediaType", mediaType);
    o.put("size", size);
    o.put("uncompressedSize", uncompressedSize);
    return Json.bytes(o);
  }

  static LayerRecord decode(Digest diffId, Digest blob, byte[] value) {
    ObjectNode o = Json.parseObject(value);
    return new LayerRecord(
        diffId,
        blob,
        o.path("mediaType").asText(),
        o.path("size").asLong(),
        o.path("uncompressedSize").asLong());
  }
}
