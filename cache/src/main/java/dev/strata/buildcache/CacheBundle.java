package dev.strata.buildcache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Json;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The exported build cache, format version 1: an OCI image manifest (so any OCI layout or registry
 * tool copies it, as BuildKit's cache manifests are) whose {@code artifactType} is {@link
 * #ARTIFACT_TYPE}, whose config blob ({@link #CONFIG_TYPE}) carries the cache records, and whose
 * layers are the layer blobs those records name, each once, by digest order.
 *
 * <pre>
 * config: {"version": 1,
 *          "records": [{"key": "sha256:...",                  (sorted by key)
 *                       "record": {CacheRecord's own encoding}}],
 *          "facts": {"sha256:...": "..."}}                    (optional, sorted)
 * </pre>
 *
 * Facts are what a build learnt from a stage's files under content addresses (the content hash a
 * {@code COPY --from} selects, keyed by the source's diffIDs and the instruction): with them a
 * build whose steps all hit computes its keys without the source stage's layers, as BuildKit
 * follows a cached stage's key chain without its bytes.
 *
 * <p>A record's key is what a build computes from its own inputs; a build only ever asks for keys
 * it computed, so a record under a key no build computes is never used. A record that names a layer
 * the manifest does not list (or lists with another size or type) is refused when read.
 */
public final class CacheBundle {
  public static final int VERSION = 1;
  public static final String ARTIFACT_TYPE = "application/vnd.strata.cache.v1";
  public static final String CONFIG_TYPE = "application/vnd.strata.cache.config.v1+json";

  private CacheBundle() {}

  /** The config blob of {@code records}: canonical JSON, the same bytes for the same records. */
  public static byte[] config(Map<CacheKey, CacheRecord> records) {
    return config(records, Map.of());
  }

  /** The config blob of {@code records} and {@code facts}. */
  public static byte[] config(Map<CacheKey, CacheRecord> records, Map<String, String> facts) {
    SortedMap<String, CacheRecord> sorted = new TreeMap<>();
    records.forEach((k, r) -> sorted.put(k.toString(), r));
    ObjectNode o = Json.object();
    o.put("version", VERSION);
    ArrayNode a = o.putArray("records");
    sorted.forEach(
        (k, r) -> {
          ObjectNode e = a.addObject();
          e.put("key", k);
          e.set("record", Json.parseObject(r.encode()));
        });
    if (!facts.isEmpty()) {
      ObjectNode f = o.putObject("facts");
      new TreeMap<>(facts).forEach(f::put);
    }
    return Json.bytes(o);
  }

  /** The layer descriptors of {@code records}: each blob once, by digest. */
  public static List<Descriptor> layers(Map<CacheKey, CacheRecord> records) {
    SortedMap<Digest, Descriptor> out = new TreeMap<>();
    for (CacheRecord r : records.values()) {
      if (r.hasLayer()) {
        out.put(r.blob(), new Descriptor(r.mediaType(), r.blob(), r.size()));
      }
    }
    return new ArrayList<>(out.values());
  }

  /** The manifest of a bundle whose config blob is {@code config}. */
  public static Manifest manifest(Descriptor config, List<Descriptor> layers) {
    ObjectNode o = Manifest.oci(config, layers).json();
    o.put("artifactType", ARTIFACT_TYPE);
    return Manifest.parse(Json.bytes(o), MediaType.OCI_MANIFEST);
  }

  /**
   * The records of a bundle: its manifest and config bytes. Records whose layer the manifest does
   * not serve as the record says are left out, each told to {@code refused} in one line naming the
   * digest.
   *
   * @throws IllegalArgumentException when the manifest is not a Strata cache, or its version is not
   *     one this Strata reads
   */
  public static Contents read(Manifest manifest, byte[] config, Consumer<String> refused) {
    if (!CONFIG_TYPE.equals(manifest.config().mediaType())) {
      throw new IllegalArgumentException(
          "not a Strata cache: config media type "
              + manifest.config().mediaType()
              + ", want "
              + CONFIG_TYPE);
    }
    ObjectNode o = Json.parseObject(config);
    int version = o.path("version").asInt(-1);
    if (version != VERSION) {
      throw new IllegalArgumentException(
          "cache format version " + o.path("version") + ": this Strata reads version " + VERSION);
    }
    Map<Digest, Descriptor> served = new TreeMap<>();
    manifest.layers().forEach(d -> served.put(d.digest(), d));
    Map<CacheKey, CacheRecord> out = new TreeMap<>((a, b) -> a.digest().compareTo(b.digest()));
    for (JsonNode e : o.path("records")) {
      CacheKey key = new CacheKey(Digest.parse(e.path("key").asText()));
      CacheRecord r = CacheRecord.decode(Json.bytes(e.path("record")));
      if (r.hasLayer()) {
        Descriptor d = served.get(r.blob());
        if (d == null) {
          refused.accept(
              "cache record "
                  + key
                  + " names layer "
                  + r.blob()
                  + ", which the cache does not hold: refused");
          continue;
        }
        if (d.size() != r.size() || !d.mediaType().equals(r.mediaType())) {
          refused.accept(
              "cache record "
                  + key
                  + " names layer "
                  + r.blob()
                  + " as "
                  + r.mediaType()
                  + ", "
                  + r.size()
                  + " bytes; the cache holds it as "
                  + d.mediaType()
                  + ", "
                  + d.size()
                  + " bytes: refused");
          continue;
        }
      }
      out.put(key, r);
    }
    Map<String, String> facts = new TreeMap<>();
    o.path("facts").fields().forEachRemaining(f -> facts.put(f.getKey(), f.getValue().asText()));
    return new Contents(out, facts);
  }

  /** What a bundle holds: records by key, and facts by their content address. */
  public record Contents(Map<CacheKey, CacheRecord> records, Map<String, String> facts) {}
}
