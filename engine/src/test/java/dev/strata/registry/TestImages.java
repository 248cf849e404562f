package dev.strata.registry;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.strata.archive.ImportOptions;
import dev.strata.archive.RootfsImporter;
import dev.strata.registry.auth.CredentialSource;
import dev.strata.store.Store;
import dev.strata.store.StoredImage;
import dev.strata.validate.ImageValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Shared test helpers: a busybox image in a store, fast options, and a validator. */
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
