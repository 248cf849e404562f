package dev.strata.registry;

import static dev.strata.registry.TestImages.importBusybox;
import static dev.strata.registry.TestImages.options;
import static dev.strata.registry.TestImages.validate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.codec.Compression;
import dev.strata.index.LayerRecord;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.MediaType;
import dev.strata.oci.Platform;
import dev.strata.registry.auth.CredentialSource;
import dev.strata.registry.auth.Credentials;
import dev.strata.store.Store;
import dev.strata.store.StoredImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 8's acceptance against a real docker-registry on 127.0.0.1. */
class RegistryRoundTripTest {
  @TempDir static Path shared;
  @TempDir Path dir;
  static LocalRegistry registry;

  @BeforeAll
  static void start() throws Exception {
    registry = LocalRegistry.start(shared.resolve("registry"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (registry != null) {
      registry.close();
    }
  }

  /** Records what a transfer reported. */
  static final class Events implements Progress {
    final List<String> lines = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void started(String action, Digest blob, long size) {
      lines.add("started " + blob);
    }

    @Override
    public void finished(String action, Digest blob, long size, boolean skipped) {
      lines.add((skipped ? "skipped " : "sent ") + blob);
    }

    @Override
    public void note(String line) {
      lines.add(line);
    }
  }

  @Test
  void pushThenPullIntoAFreshStoreGivesTheSameDigests() throws Exception {
    try (Store a = Store.open(dir.resolve("a"));
        Store b = Store.open(dir.resolve("b"))) {
      StoredImage img = importBusybox(a);
      assertEquals(MediaType.OCI_LAYER_ZSTD, img.manifest().layers().get(0).mediaType());
      RemoteImage target = RemoteImage.parse(registry.host() + "/strata/busybox:1");
      Descriptor pushed = new ImagePusher(a, options()).push(img, target, Compression.GZIP);
      // gzip layers: the manifest differs from the stored (zstd) one
      assertNotEquals(img.digest(), pushed.digest());

      StoredImage pulled = new ImagePuller(b, options()).pull(target, Platform.host(), null);
      assertEquals(pushed.digest(), pulled.digest());
      assertEquals(img.id(), pulled.id());
      assertEquals(registry.host() + "/strata/busybox:1", pulled.name());
      assertEquals(MediaType.OCI_LAYER_GZIP, pulled.manifest().layers().get(0).mediaType());
      validate(b, pulled);
      // the gzip form is remembered by diffID in the pushing store, and is the pulled blob
      Digest diffId = img.config().diffIds().get(0);
      List<LayerRecord> forms = a.withIndex(idx -> idx.layers(diffId));
      assertTrue(
          forms.stream().anyMatch(r -> r.blob().equals(pulled.manifest().layers().get(0).digest())),
          forms.toString());
    }
  }

  @Test
  void aSecondPushDoesNotRecompressAndSkipsWhatTheRegistryHas() throws Exception {
    try (Store a = Store.open(dir.resolve("a"))) {
      StoredImage img = importBusybox(a);
      Events first = new Events();
      Descriptor d1 =
          new ImagePusher(a, options().withProgress(first))
              .push(img, RemoteImage.parse(registry.host() + "/strata/again:1"), Compression.GZIP);
      assertTrue(
          first.lines.stream().anyMatch(l -> l.startsWith("Compressing layer")),
          first.lines.toString());
      Events second = new Events();
      Descriptor d2 =
          new ImagePusher(a, options().withProgress(second))
              .push(img, RemoteImage.parse(registry.host() + "/strata/again:2"), Compression.GZIP);
      assertEquals(d1.digest(), d2.digest());
      assertFalse(
          second.lines.stream().anyMatch(l -> l.startsWith("Compressing")),
          second.lines.toString());
      assertFalse(
          second.lines.stream().anyMatch(l -> l.startsWith("started")), second.lines.toString());
    }
  }

  @Test
  void zstdPushSendsTheStoredManifestUnchanged() throws Exception {
    try (Store a = Store.open(dir.resolve("a"));
        Store b = Store.open(dir.resolve("b"))) {
      StoredImage img = importBusybox(a);
      RemoteImage target = RemoteImage.parse(registry.host() + "/strata/zstd:1");
      Descriptor pushed = new ImagePusher(a, options()).push(img, target, Compression.ZSTD);
      assertEquals(img.digest(), pushed.digest());
      StoredImage pulled = new ImagePuller(b, options()).pull(target, Platform.host(), "copy:1");
      assertEquals(img.digest(), pulled.digest());
      validate(b, pulled);
    }
  }

  @Test
  void pullPolicies() throws Exception {
    try (Store a = Store.open(dir.resolve("a"));
        Store b = Store.open(dir.resolve("b"))) {
      StoredImage img = importBusybox(a);
      String ref = registry.host() + "/strata/policy:1";
      Descriptor zstd =
          new ImagePusher(a, options()).push(img, RemoteImage.parse(ref), Compression.ZSTD);
      ImageResolver resolver = new ImageResolver(b, options());
      assertEquals(zstd.digest(), resolver.resolve(ref, PullPolicy.MISSING).digest());
      Descriptor gzip =
          new ImagePusher(a, options()).push(img, RemoteImage.parse(ref), Compression.GZIP);
      assertNotEquals(zstd.digest(), gzip.digest());
      // missing: the local image stands; always: the registry's current one
      assertEquals(zstd.digest(), resolver.resolve(ref, PullPolicy.MISSING).digest());
      assertEquals(gzip.digest(), resolver.resolve(ref, PullPolicy.ALWAYS).digest());
      assertEquals(gzip.digest(), b.image(ref).digest());
    }
  }

  @Test
  void chunkedUploadsOfLargeBlobs() throws Exception {
    try (Store a = Store.open(dir.resolve("a"));
        Store b = Store.open(dir.resolve("b"))) {
      StoredImage img = importBusybox(a);
      assertTrue(img.manifest().layers().get(0).size() > 3 * (128 << 10));
      RemoteImage target = RemoteImage.parse(registry.host() + "/strata/chunked:1");
      // 128 KiB PATCH chunks: the ~1 MB layer goes in several
      Descriptor pushed =
          new ImagePusher(a, options().withLimits(RegistryOptions.MAX_MANIFEST, 128 << 10))
              .push(img, target, Compression.ZSTD);
      StoredImage pulled = new ImagePuller(b, options()).pull(target, Platform.host(), null);
      assertEquals(pushed.digest(), pulled.digest());
      validate(b, pulled);
    }
  }

  @Test
  void aCorruptStoredBlobIsRefusedByTheRegistryNamingIt() throws Exception {
    try (Store a = Store.open(dir.resolve("a"))) {
      StoredImage img = importBusybox(a);
      Digest layer = img.manifest().layers().get(0).digest();
      Path file = a.root().resolve("blobs/sha256/" + layer.hex());
      byte[] bytes = java.nio.file.Files.readAllBytes(file);
      bytes[bytes.length / 2] ^= 1;
      file.toFile().setWritable(true);
      java.nio.file.Files.write(file, bytes);
      RegistryException e =
          assertThrows(
              RegistryException.class,
              () ->
                  new ImagePusher(a, options())
                      .push(
                          img,
                          RemoteImage.parse(registry.host() + "/strata/corrupt:1"),
                          Compression.ZSTD));
      assertTrue(
          e.getMessage().contains("upload blob " + registry.host() + "/strata/corrupt@" + layer),
          e.getMessage());
      assertTrue(e.getMessage().contains("DIGEST_INVALID"), e.getMessage());
    }
  }

  @Test
  void blobsOfAnImageNamedOnTheSameRegistryAreMounted() throws Exception {
    try (Store a = Store.open(dir.resolve("a"))) {
      StoredImage img = importBusybox(a);
      RemoteImage from = RemoteImage.parse(registry.host() + "/strata/mount-src:1");
      Descriptor d = new ImagePusher(a, options()).push(img, from, Compression.GZIP);
      a.tag(img.descriptor(), from.toString());
      Events events = new Events();
      new ImagePusher(a, options().withProgress(events))
          .push(
              a.image(from.toString()),
              RemoteImage.parse(registry.host() + "/strata/mount-dst:1"),
              Compression.GZIP);
      // mounted: started, then finished without sending (skipped=true)
      Digest layer = d.digest();
      assertTrue(
          events.lines.stream().anyMatch(l -> l.startsWith("started")), events.lines.toString());
      assertTrue(
          events.lines.stream().filter(l -> l.startsWith("sent")).findAny().isEmpty(),
          events.lines.toString());
      assertNotEquals(null, layer);
    }
  }

  /** The access log's requests under {@code /v2/REPO/}. */
  private static List<String> requests(String repo) throws Exception {
    return registry.requests().stream().filter(r -> r.contains(" /v2/" + repo + "/")).toList();
  }

  private static long count(List<String> requests, String prefix) {
    return requests.stream().filter(r -> r.startsWith(prefix)).count();
  }

  @Test
  void aMultiLayerImageIsPushedInParallelOnceEachAndPulledBack() throws Exception {
    try (Store a = Store.open(dir.resolve("a"));
        Store b = Store.open(dir.resolve("b"))) {
      StoredImage img = TestImages.multiLayer(a, 6, "six:1");
      validate(a, img);
      RemoteImage target = RemoteImage.parse(registry.host() + "/strata/six:1");
      Descriptor pushed = new ImagePusher(a, options()).push(img, target, Compression.GZIP);
      List<String> sent = requests("strata/six");
      // config + 6 layers: each checked once, started once and put once, in any order
      assertEquals(7, count(sent, "HEAD /v2/strata/six/blobs/sha256:"), sent.toString());
      assertEquals(7, count(sent, "POST /v2/strata/six/blobs/uploads/ 202"), sent.toString());
      assertEquals(7, count(sent, "PUT /v2/strata/six/blobs/uploads/"), sent.toString());
      assertEquals(1, count(sent, "PUT /v2/strata/six/manifests/1 201"), sent.toString());

      StoredImage pulled = new ImagePuller(b, options()).pull(target, Platform.host(), null);
      assertEquals(pushed.digest(), pulled.digest());
      assertEquals(6, pulled.manifest().layers().size());
      pulled
          .manifest()
          .layers()
          .forEach(l -> assertEquals(MediaType.OCI_LAYER_GZIP, l.mediaType()));
      validate(b, pulled);
    }
  }

  @Test
  void aPushToAnotherRepositoryMountsWhatAnEarlierPushSentAndAPushAgainSendsNothing()
      throws Exception {
    try (Store a = Store.open(dir.resolve("a"))) {
      // named "busybox:latest", nothing of the registry: only the index knows where blobs went
      StoredImage img = TestImages.multiLayer(a, 3, "three:1");
      new ImagePusher(a, options())
          .push(img, RemoteImage.parse(registry.host() + "/strata/first:1"), Compression.GZIP);

      Events again = new Events();
      new ImagePusher(a, options().withProgress(again))
          .push(img, RemoteImage.parse(registry.host() + "/strata/first:2"), Compression.GZIP);
      List<String> first = requests("strata/first");
      assertEquals(4, count(first, "POST "), "only the first push uploads: " + first);
      // 4 blobs checked by each push: absent (404) the first time, present (200) the second
      assertEquals(8, count(first, "HEAD /v2/strata/first/blobs/sha256:"), first.toString());
      assertTrue(
          again.lines.stream().noneMatch(l -> l.startsWith("started") || l.startsWith("Compress")),
          again.lines.toString());

      Events other = new Events();
      Descriptor d =
          new ImagePusher(a, options().withProgress(other))
              .push(img, RemoteImage.parse(registry.host() + "/strata/other:1"), Compression.GZIP);
      List<String> mounted = requests("strata/other");
      // each of the 4 blobs: HEAD 404, then one POST ?mount=...&from=strata/first answered 201
      assertEquals(4, count(mounted, "HEAD /v2/strata/other/blobs/sha256:"), mounted.toString());
      assertEquals(
          4,
          mounted.stream()
              .filter(
                  r ->
                      r.startsWith("POST ")
                          && r.contains("from=strata/first")
                          && r.endsWith(" 201"))
              .count(),
          mounted.toString());
      assertEquals(0, count(mounted, "PATCH "), mounted.toString());
      assertEquals(0, count(mounted, "PUT /v2/strata/other/blobs/"), mounted.toString());
      assertTrue(other.lines.stream().noneMatch(l -> l.startsWith("sent")), other.lines.toString());

      try (Store b = Store.open(dir.resolve("b"))) {
        StoredImage pulled =
            new ImagePuller(b, options())
                .pull(
                    RemoteImage.parse(registry.host() + "/strata/other:1"), Platform.host(), null);
        assertEquals(d.digest(), pulled.digest());
        validate(b, pulled);
      }
    }
  }

  @Test
  void aPulledBlobTamperedInTheRegistryIsRefusedNamingItsDigest() throws Exception {
    // a registry of its own: blobs are shared across repositories, and this one gets damaged
    try (LocalRegistry own = LocalRegistry.start(dir.resolve("registry"));
        Store a = Store.open(dir.resolve("a"));
        Store b = Store.open(dir.resolve("b"))) {
      StoredImage img = importBusybox(a);
      RemoteImage target = RemoteImage.parse(own.host() + "/strata/tampered:1");
      new ImagePusher(a, options()).push(img, target, Compression.GZIP);
      // the pushed layer: the gzip form the push made and remembered
      Digest diffId = img.config().diffIds().get(0);
      Digest layer =
          a.withIndex(idx -> idx.layers(diffId)).stream()
              .filter(r -> r.mediaType().equals(MediaType.OCI_LAYER_GZIP))
              .findFirst()
              .orElseThrow()
              .blob();
      Path file = own.blobFile(layer);
      byte[] bytes = java.nio.file.Files.readAllBytes(file);
      bytes[bytes.length / 2] ^= 1;
      java.nio.file.Files.write(file, bytes);
      RegistryException e =
          assertThrows(
              RegistryException.class,
              () -> new ImagePuller(b, options()).pull(target, Platform.host(), null));
      assertTrue(e.getMessage().contains(layer.toString()), e.getMessage());
      assertTrue(e.getMessage().contains("nothing was stored"), e.getMessage());
      TestImages.assertNothingStored(b);
    }
  }

  @Test
  void aMirrorThatIsDownFallsBackToTheNext() throws Exception {
    try (Store a = Store.open(dir.resolve("a"));
        Store b = Store.open(dir.resolve("b"))) {
      StoredImage img = importBusybox(a);
      Descriptor pushed =
          new ImagePusher(a, options())
              .push(
                  img,
                  RemoteImage.parse(registry.host() + "/library/busybox:mirrored"),
                  Compression.GZIP);
      int dead = LocalRegistry.freePort();
      RegistriesConfig cfg =
          RegistriesConfig.parse(
              ("{\"registries\":{\"docker.io\":{\"mirrors\":[\"127.0.0.1:"
                      + dead
                      + "\",\""
                      + registry.host()
                      + "\"]}}}")
                  .getBytes(StandardCharsets.UTF_8),
              "test");
      Events events = new Events();
      RegistryOptions opts = options(cfg, CredentialSource.anonymous()).withProgress(events);
      // busybox:mirrored is docker.io/library/busybox: served by the second mirror, Docker Hub
      // untouched
      StoredImage pulled =
          new ImageResolver(b, opts).resolve("busybox:mirrored", PullPolicy.MISSING);
      assertEquals(pushed.digest(), pulled.digest());
      assertEquals("busybox:mirrored", pulled.name());
      assertTrue(
          events.lines.stream()
              .anyMatch(l -> l.contains("127.0.0.1:" + dead) && l.contains("failed")),
          events.lines.toString());
      validate(b, pulled);
      // present now: MISSING and NEVER use the store, even offline
      assertEquals(
          pulled.digest(),
          new ImageResolver(b, opts.withOffline(true))
              .resolve("busybox:mirrored", PullPolicy.NEVER)
              .digest());
    }
  }

  @Test
  void offlineRefusesEveryNetworkAccessNamingTheImage() throws Exception {
    try (Store b = Store.open(dir.resolve("b"))) {
      OfflineException e =
          assertThrows(
              OfflineException.class,
              () ->
                  new ImageResolver(b, options())
                      .resolve(registry.host() + "/strata/none:1", PullPolicy.NEVER));
      assertTrue(e.getMessage().contains(registry.host() + "/strata/none:1"), e.getMessage());
      OfflineException e2 =
          assertThrows(
              OfflineException.class,
              () ->
                  new ImagePuller(b, options().withOffline(true))
                      .pull(
                          RemoteImage.parse(registry.host() + "/strata/none:1"),
                          Platform.host(),
                          null));
      assertTrue(e2.getMessage().contains(registry.host()), e2.getMessage());
      TestImages.assertNothingStored(b);
    }
  }

  @Test
  void htpasswdBasicAuth() throws Exception {
    String password = "s3cret-Basic-pw";
    try (LocalRegistry auth = LocalRegistry.withHtpasswd(dir.resolve("basic"), "alice", password);
        Store a = Store.open(dir.resolve("a"));
        Store b = Store.open(dir.resolve("b"))) {
      StoredImage img = importBusybox(a);
      RemoteImage target = RemoteImage.parse(auth.host() + "/private/busybox:1");
      RegistryException anon =
          assertThrows(
              RegistryException.class,
              () -> new ImagePusher(a, options()).push(img, target, Compression.GZIP));
      assertTrue(anon.getMessage().contains("strata login " + auth.host()), anon.getMessage());
      String wrong = "wrong-Basic-pw";
      RegistryException bad =
          assertThrows(
              RegistryException.class,
              () ->
                  new ImagePusher(
                          a,
                          options(
                              RegistriesConfig.empty(),
                              r -> Optional.of(new Credentials("alice", wrong))))
                      .push(img, target, Compression.GZIP));
      assertTrue(bad.getMessage().contains("not accepted"), bad.getMessage());
      assertFalse(bad.getMessage().contains(wrong), bad.getMessage());

      CredentialSource good =
          r ->
              r.equals(auth.host())
                  ? Optional.of(new Credentials("alice", password))
                  : Optional.empty();
      Descriptor pushed =
          new ImagePusher(a, options(RegistriesConfig.empty(), good))
              .push(img, target, Compression.GZIP);
      StoredImage pulled =
          new ImagePuller(b, options(RegistriesConfig.empty(), good))
              .pull(target, Platform.host(), null);
      assertEquals(pushed.digest(), pulled.digest());
      validate(b, pulled);
      LoginCheck.verify(auth.host(), new Credentials("alice", password), options());
      RegistryException login =
          assertThrows(
              RegistryException.class,
              () -> LoginCheck.verify(auth.host(), new Credentials("alice", wrong), options()));
      assertFalse(login.getMessage().contains(wrong), login.getMessage());
    }
  }

  @Test
  void bearerTokenFromATokenServer() throws Exception {
    String password = "s3cret-Token-pw";
    try (TokenServer tokens = new TokenServer(dir.resolve("tokens"), "bob", password);
        LocalRegistry reg = LocalRegistry.withToken(dir.resolve("token-registry"), tokens);
        Store a = Store.open(dir.resolve("a"));
        Store b = Store.open(dir.resolve("b"))) {
      StoredImage img = importBusybox(a);
      RemoteImage target = RemoteImage.parse(reg.host() + "/team/busybox:1");
      CredentialSource good = r -> Optional.of(new Credentials("bob", password));
      Descriptor pushed =
          new ImagePusher(a, options(RegistriesConfig.empty(), good))
              .push(img, target, Compression.GZIP);
      assertTrue(tokens.issued.get() > 0);
      assertTrue(
          tokens.scopesAsked.contains("repository:team/busybox:pull,push"),
          tokens.scopesAsked.toString());
      StoredImage pulled =
          new ImagePuller(b, options(RegistriesConfig.empty(), good))
              .pull(target, Platform.host(), null);
      assertEquals(pushed.digest(), pulled.digest());
      validate(b, pulled);
      String wrong = "wrong-Token-pw";
      try (Store c = Store.open(dir.resolve("c"))) {
        RegistryException e =
            assertThrows(
                RegistryException.class,
                () ->
                    new ImagePuller(
                            c,
                            options(
                                RegistriesConfig.empty(),
                                r -> Optional.of(new Credentials("bob", wrong))))
                        .pull(target, Platform.host(), null));
        assertTrue(
            e.getMessage().contains("token server") && e.getMessage().contains("not accepted"),
            e.getMessage());
        assertFalse(e.getMessage().contains(wrong), e.getMessage());
        assertFalse(e.getMessage().contains(TokenServer.TOKEN_PREFIX), e.getMessage());
        TestImages.assertNothingStored(c);
      }
    }
  }
}
