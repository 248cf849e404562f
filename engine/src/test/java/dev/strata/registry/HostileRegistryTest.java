package dev.strata.registry;

import static dev.strata.registry.TestImages.assertNothingStored;
import static dev.strata.registry.TestImages.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.oci.Platform;
import dev.strata.store.Store;
import dev.strata.store.StoredImage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile registries: each refusal names the reference or digest and leaves the store empty. */
class HostileRegistryTest {
  @TempDir Path dir;

  private RegistryException refused(FakeRegistry.Mode mode, String... mustContain)
      throws Exception {
    try (FakeRegistry fake = new FakeRegistry(mode);
        Store store = Store.open(dir.resolve("store"))) {
      RemoteImage ref = RemoteImage.parse(fake.host() + "/evil/app:1");
      RegistryException e =
          assertThrows(
              RegistryException.class,
              () ->
                  new ImagePuller(store, options().withLimits(64 << 10, 1 << 20))
                      .pull(ref, Platform.host(), null));
      for (String s : mustContain) {
        assertTrue(
            e.getMessage()
                .replace("{host}", fake.host())
                .contains(s.replace("{host}", fake.host())),
            "\"" + s + "\" not in: " + e.getMessage());
      }
      assertTrue(e.getMessage().contains(fake.host() + "/evil/app"), e.getMessage());
      assertNothingStored(store);
      System.out.println(mode + " refused: " + e.getMessage());
      return e;
    }
  }

  @Test
  void blobBytesNotMatchingTheDigestAreRefused() throws Exception {
    try (FakeRegistry f = new FakeRegistry(FakeRegistry.Mode.HONEST)) {
      RegistryException e =
          refused(FakeRegistry.Mode.WRONG_BLOB_BYTES, "refused", "nothing was stored");
      assertTrue(e.getMessage().contains(f.layerDigest.toString()), e.getMessage());
    }
  }

  @Test
  void aManifestOverTheLimitIsRefused() throws Exception {
    refused(FakeRegistry.Mode.HUGE_MANIFEST, "fetch manifest", ":1", "limit");
  }

  @Test
  void aRedirectLoopIsRefused() throws Exception {
    refused(FakeRegistry.Mode.REDIRECT_LOOP, "too many redirects", "fetch blob");
  }

  @Test
  void aTruncatedBodyIsRefused() throws Exception {
    refused(FakeRegistry.Mode.TRUNCATED_BODY, "truncated", "fetch blob");
  }

  @Test
  void aLayerThatIsNoValidStreamIsRefused() throws Exception {
    refused(
        FakeRegistry.Mode.GARBAGE_LAYER, "fetch blob", "not a valid layer", "nothing was stored");
  }

  @Test
  void aBrokenBodyIsResumedWithARangeRequest() throws Exception {
    try (FakeRegistry fake = new FakeRegistry(FakeRegistry.Mode.TRUNCATED_THEN_RANGE);
        Store store = Store.open(dir.resolve("store"))) {
      StoredImage img =
          new ImagePuller(store, options())
              .pull(RemoteImage.parse(fake.host() + "/evil/app:1"), Platform.host(), null);
      assertEquals(fake.manifestDigest, img.digest());
      assertEquals(2, fake.blobRequests.get());
      TestImages.validate(store, img);
    }
  }

  @Test
  void transient503sAreRetried() throws Exception {
    try (FakeRegistry fake = new FakeRegistry(FakeRegistry.Mode.FLAKY);
        Store store = Store.open(dir.resolve("store"))) {
      StoredImage img =
          new ImagePuller(store, options())
              .pull(RemoteImage.parse(fake.host() + "/evil/app:1"), Platform.host(), null);
      assertEquals(fake.manifestDigest, img.digest());
      assertEquals(3, fake.blobRequests.get());
      TestImages.validate(store, img);
    }
  }

  @Test
  void anHonestFakeRegistryWorks() throws Exception {
    try (FakeRegistry fake = new FakeRegistry(FakeRegistry.Mode.HONEST);
        Store store = Store.open(dir.resolve("store"))) {
      StoredImage img =
          new ImagePuller(store, options())
              .pull(RemoteImage.parse(fake.host() + "/evil/app:1"), Platform.host(), "app:1");
      assertEquals(fake.manifestDigest, img.digest());
      TestImages.validate(store, img);
    }
  }
}
