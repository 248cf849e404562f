package dev.strata.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * An image index (image-spec image-index.md) or Docker manifest list; also the {@code index.json}
 * of an OCI layout. Unknown fields survive; changes return a new index.
 */
public final class ImageIndex {
  private final ObjectNode json;
  private final List<Descriptor> manifests;

  private ImageIndex(ObjectNode json) {
    this.json = json;
    if (json.path("schemaVersion").asInt(-1) != 2) {
      throw new InvalidJsonException("index schemaVersion is not 2");
    }
    JsonNode ms = json.get("manifests");
    if (ms == null || !ms.isArray()) {
      throw new InvalidJsonException("index has no manifests array");
    }
    List<Descriptor> l = new ArrayList<>();
    for (JsonNode n : ms) {
      l.add(Descriptor.fromJson(n));
    }
    this.manifests = List.copyOf(l);
  }

  public static ImageIndex parse(byte[] bytes) {
    return new ImageIndex(Json.parseObject(bytes));
  }

  /** An empty OCI index. */
  public static ImageIndex empty() {
    ObjectNode o = Json.object();
    o.put("schemaVersion", 2);
    o.put("mediaType", MediaType.OCI_INDEX);
    o.putArray("manifests");
    return new ImageIndex(o);
  }

  public List<Descriptor> manifests() {
    return manifests;
  }

  /** The same index with {@code manifests} replaced. */
  public ImageIndex withManifests(List<Descriptor> newManifests) {
    ObjectNode o = json.deepCopy();
    ArrayNode a = o.putArray("manifests");
    newManifests.forEach(d -> a.add(d.toJson()));
    return new ImageIndex(o);
  }

  public byte[] bytes() {
    return Json.bytes(json);
  }
}
