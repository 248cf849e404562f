package dev.strata.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.strata.archive.ImportOptions;
import dev.strata.archive.RootfsImporter;
import dev.strata.codec.Compression;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.registry.auth.CredentialSource;
import dev.strata.store.Store;
import dev.strata.store.StoredImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Shared test helpers: a busybox image in a store, fast options, and a validator. */
final class TestImages {
  private TestImages() {}

  static Path busyboxTar() {
    Path tar = Path.of(System.getProperty("strata.fixtures", "/var/tmp/strata-fixtures"), "busybox.tar");
    if (!Files.isRegularFile(tar)) {
      fail("fixture missing: " + tar + " (scripts/fixtures/make-busybox.sh makes it)");
    }
    return tar;
  }

  static StoredImage importBusybox(Store store) throws IOException {
    return new RootfsImporter(store).importRootfs(
        busyboxTar(), "busybox:latest", new ImportOptions(List.of(), null, Instant.parse("2024-01-01T00:00:00Z")));
  }

  /** No user files: the given settings and credentials, quick retries. */
  static RegistryOptions options(RegistriesConfig config, CredentialSource creds) {
    return new RegistryOptions(config, creds, false, 2, Duration.ofMillis(10), 3,
        RegistryOptions.MAX_MANIFEST, 64L << 20, 10, Progress.none());
  }

  static RegistryOptions options() {
    return options(RegistriesConfig.empty(), CredentialSource.anonymous());
  }

  /**
   * Recomputes an image from its bytes (STYLE.md: ggcr's validate.Image): the manifest and
   * config hash to their digests, every layer to its digest, and every layer's tar to the
   * config's diff_id.
   */
  static void validate(Store store, StoredImage img) throws IOException {
    assertEquals(img.digest(), Digest.sha256(store.blobs().readSmall(img.digest(), Store.MAX_DOCUMENT)));
    assertEquals(img.id(), Digest.sha256(store.blobs().readSmall(img.id(), Store.MAX_DOCUMENT)));
    List<Descriptor> layers = img.manifest().layers();
    List<Digest> diffIds = img.config().diffIds();
    assertEquals(layers.size(), diffIds.size());
    for (int i = 0; i < layers.size(); i++) {
      Descriptor l = layers.get(i);
      assertEquals(l.size(), store.blobs().size(l.digest()), "size of " + l.digest());
      MessageDigest sha = Digest.newSha256();
      try (InputStream raw = store.blobs().openVerified(l.digest());
          InputStream plain = new DigestInputStream(Compression.decompressAny(raw), sha)) {
        plain.transferTo(OutputStream.nullOutputStream());
      }
      assertEquals(diffIds.get(i), Digest.fromSha256(sha.digest()), "diffID of layer " + l.digest());
    }
  }

  /** The store holds no blob and names no image: what a refused pull must leave. */
  static void assertNothingStored(Store store) throws IOException {
    assertTrue(store.blobs().list().isEmpty(), "blobs left in the store: " + store.blobs().list());
    assertTrue(store.entries().isEmpty(), "names left in the store: " + store.entries());
  }
}
