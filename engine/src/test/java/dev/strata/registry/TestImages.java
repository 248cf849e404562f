package dev.strata.registry;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.archive.ImportOptions;
import dev.strata.archive.LayerIngester;
import dev.strata.archive.RootfsImporter;
import dev.strata.index.LayerRecord;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Json;
import dev.strata.registry.auth.CredentialSource;
import dev.strata.store.Store;
import dev.strata.store.StoredImage;
import dev.strata.validate.ImageValidator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Shared test helpers: a busybox image and a multi-layer one in a store, fast options, and a
 * validator.
 */
final class TestImages {
  private TestImages() {}

  static Path busyboxTar() {
    Path tar =
        Path.of(System.getProperty("strata.fixtures", "/var/tmp/strata-fixtures"), "busybox.tar");
    if (!Files.isRegularFile(tar)) {
      fail("fixture missing: " + tar + " (scripts/fixtures/make-busybox.sh makes it)");
    }
    return tar;
  }

  static StoredImage importBusybox(Store store) throws IOException {
    return new RootfsImporter(store)
        .importRootfs(
            busyboxTar(),
            "busybox:latest",
            new ImportOptions(List.of(), null, Instant.parse("2024-01-01T00:00:00Z")));
  }

  /**
   * An image of {@code n} layers of 256 KiB of incompressible bytes each (one file per layer, each
   * different), stored zstd as an import stores them, on busybox's config, named {@code name}.
   */
  static StoredImage multiLayer(Store store, int n, String name) throws IOException {
    StoredImage base = importBusybox(store);
    ObjectNode config = base.config().json().deepCopy();
    ArrayNode diffIds = ((ObjectNode) config.get("rootfs")).putArray("diff_ids");
    ArrayNode history = config.putArray("history");
    ObjectNode manifest = base.manifest().json().deepCopy();
    ArrayNode layers = manifest.putArray("layers");
    for (int i = 0; i < n; i++) {
      byte[] content = new byte[256 << 10];
      new Random(i).nextBytes(content);
      ByteArrayOutputStream tar = new ByteArrayOutputStream();
      try (TarArchiveOutputStream t = new TarArchiveOutputStream(tar)) {
        TarArchiveEntry e = new TarArchiveEntry("layer" + i + ".bin");
        e.setSize(content.length);
        e.setModTime(0);
        t.putArchiveEntry(e);
        t.write(content);
        t.closeArchiveEntry();
      }
      LayerRecord r =
          LayerIngester.ingest(store, new ByteArrayInputStream(tar.toByteArray()), true);
      diffIds.add(r.diffId().toString());
      history.addObject().put("created_by", "layer " + i);
      layers
          .addObject()
          .put("mediaType", r.mediaType())
          .put("digest", r.blob().toString())
          .put("size", r.size());
    }
    Digest c = store.blobs().writeBytes(Json.bytes(config));
    ((ObjectNode) manifest.get("config"))
        .put("digest", c.toString())
        .put("size", Json.bytes(config).length);
    byte[] m = Json.bytes(manifest);
    Digest md = store.blobs().writeBytes(m);
    store.tag(new Descriptor(base.descriptor().mediaType(), md, m.length), name);
    return store.image(name);
  }

  /** No user files: the given settings and credentials, quick retries. */
  static RegistryOptions options(RegistriesConfig config, CredentialSource creds) {
    return new RegistryOptions(
        config,
        creds,
        false,
        2,
        Duration.ofMillis(10),
        3,
        RegistryOptions.MAX_MANIFEST,
        64L << 20,
        10,
        Progress.none());
  }

  static RegistryOptions options() {
    return options(RegistriesConfig.empty(), CredentialSource.anonymous());
  }

  /** Recomputes an image from its bytes: {@link ImageValidator}, over the store's blobs. */
  static void validate(Store store, StoredImage img) throws IOException {
    ImageValidator.assertValid(img.descriptor(), ImageValidator.BlobSource.layout(store.root()));
  }

  /** The store holds no blob and names no image: what a refused pull must leave. */
  static void assertNothingStored(Store store) throws IOException {
    assertTrue(store.blobs().list().isEmpty(), "blobs left in the store: " + store.blobs().list());
    assertTrue(store.entries().isEmpty(), "names left in the store: " + store.entries());
  }
}
