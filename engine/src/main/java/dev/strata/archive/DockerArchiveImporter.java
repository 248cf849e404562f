package dev.strata.archive;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.index.LayerRecord;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.ImageConfig;
import dev.strata.oci.InvalidJsonException;
import dev.strata.oci.Json;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import dev.strata.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The images of a docker-archive ({@code docker save}): its {@code manifest.json} lists each
 * image's config, layer files and tags. Each becomes an OCI manifest in the store over the same
 * config, its layers checked against the config's diff_ids.
 */
final class DockerArchiveImporter {
  private final Store store;
  private final ArchiveEntries archive;

  DockerArchiveImporter(Store store, ArchiveEntries archive) {
    this.store = store;
    this.archive = archive;
  }

  /** Stores every image; returns the names given (or the config digests of unnamed ones). */
  List<String> load() throws IOException {
    JsonNode manifest;
    try {
      manifest = Json.parse(archive.readJson("manifest.json"));
    } catch (InvalidJsonException e) {
      throw new ArchiveException(
          archive.shown() + ": manifest.json is not valid JSON: " + e.getMessage());
    }
    if (!manifest.isArray() || manifest.isEmpty()) {
      throw new ArchiveException(archive.shown() + ": manifest.json lists no image");
    }
    List<String> loaded = new ArrayList<>();
    for (JsonNode img : manifest) {
      loaded.addAll(loadImage(img));
    }
    return loaded;
  }

  private List<String> loadImage(JsonNode img) throws IOException {
    String configName = img.path("Config").asText(null);
    if (configName == null) {
      throw new ArchiveException(archive.shown() + ": manifest.json entry without Config");
    }
    byte[] configBytes = archive.readJson(archive.file(configName));
    ImageConfig config;
    try {
      config = ImageConfig.parse(configBytes);
    } catch (InvalidJsonException e) {
      throw new ArchiveException(
          archive.shown() + ": " + configName + " is not an image config: " + e.getMessage());
    }
    List<Digest> diffIds = config.diffIds();
    JsonNode layerNames = img.path("Layers");
    if (layerNames.size() != diffIds.size()) {
      throw new ArchiveException(
          archive.shown()
              + ": "
              + layerNames.size()
              + " layers for "
              + diffIds.size()
              + " diff_ids in "
              + configName);
    }
    List<Descriptor> layers = new ArrayList<>();
    for (int i = 0; i < layerNames.size(); i++) {
      String ln = layerNames.get(i).asText();
      LayerRecord r;
      try (InputStream in = archive.open(archive.file(ln))) {
        r = LayerIngester.ingest(store, in, false);
      }
      if (!r.diffId().equals(diffIds.get(i))) {
        throw new ArchiveException(
            archive.shown()
                + ": layer "
                + ln
                + " has diffID "
                + r.diffId()
                + ", the config says "
                + diffIds.get(i));
      }
      LayerIngester.remember(store, r);
      layers.add(new Descriptor(r.mediaType(), r.blob(), r.size()));
    }
    Digest configDigest = store.blobs().writeBytes(configBytes);
    Manifest m =
        Manifest.oci(
            new Descriptor(MediaType.OCI_CONFIG, configDigest, configBytes.length), layers);
    byte[] mb = m.bytes();
    Descriptor md = new Descriptor(MediaType.OCI_MANIFEST, store.blobs().writeBytes(mb), mb.length);
    List<String> loaded = new ArrayList<>();
    JsonNode tags = img.path("RepoTags");
    if (tags.isArray() && !tags.isEmpty()) {
      for (JsonNode t : tags) {
        String name = Store.canonicalName(t.asText());
        store.tag(md, name);
        loaded.add(name);
      }
    } else {
      store.tag(md, "sha256-" + configDigest.hex().substring(0, 12) + ":latest");
      loaded.add(configDigest.toString());
    }
    return loaded;
  }
}
