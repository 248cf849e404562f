package dev.strata.registry;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.archive.LayerForms;
import dev.strata.codec.Compression;
import dev.strata.index.LayerRecord;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Json;
import dev.strata.oci.MediaType;
import dev.strata.store.BlobStore;
import dev.strata.store.Store;
import dev.strata.store.StoredImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * Pushes an image from the store. Layers go in the compression asked for (gzip by default, as
 * DESIGN.md says: Docker-format consumers and older tools do not read zstd); a layer stored in
 * another compression is recompressed once ({@link PushForms}), and the result is kept in the store
 * and remembered by diffID ({@link LayerRecord}), so the next push sends it as it is. The pushed
 * manifest then names the new blobs, so its digest differs from the stored one.
 *
 * <p>Up to {@link RegistryOptions#parallel} layers at a time are each prepared (compressed when
 * needed) and sent at once, so one layer's upload overlaps the next one's compression. A blob the
 * registry has is skipped (HEAD); one it has in another repository is mounted from there, found
 * from the image's own name on that registry or from where earlier pushes and pulls of this store
 * saw it (the index's blob sources, as skopeo's blob-info cache), and recorded after the push.
 */
public final class ImagePusher {
  /** Repositories asked for as mount sources at most: each is one more scope in the token. */
  private static final int MAX_MOUNT_SOURCES = 8;

  private final Store store;
  private final RegistryOptions opts;

  public ImagePusher(Store store, RegistryOptions opts) {
    this.store = store;
    this.opts = opts;
  }

  /** The pushed manifest's descriptor. */
  public Descriptor push(StoredImage image, RemoteImage target, Compression compression) {
    // Held while recompressed blobs are made and sent, so a prune does not take them meanwhile.
    try (AutoCloseable writing = store.beginWrite()) {
      return pushLocked(image, target, compression);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new RegistryException("push " + target + ": " + e.getMessage(), e);
    }
  }

  /** What the index knows before a push: remembered forms by diffID, blob sources by digest. */
  private record Known(Map<Digest, List<LayerRecord>> forms, Map<Digest, List<String>> sources) {}

  private Descriptor pushLocked(StoredImage image, RemoteImage target, Compression compression) {
    if (compression == Compression.NONE) {
      throw new RegistryException("push " + target + ": layers are pushed with gzip or zstd");
    }
    List<Descriptor> stored = image.manifest().layers();
    List<Digest> diffIds = image.config().diffIds();
    if (diffIds.size() != stored.size()) {
      throw new RegistryException(
          "push "
              + target
              + ": image "
              + image.name()
              + " has "
              + stored.size()
              + " layers, its config "
              + diffIds.size()
              + " diff_ids");
    }
    Known known = lookUp(image, diffIds);
    String named = namedSource(image, target);
    // every repository a blob may be mounted from is asked for in the token's scopes up front
    Set<String> mountable = new LinkedHashSet<>();
    if (named != null) {
      mountable.add(named);
    }
    known.sources().values().stream()
        .flatMap(List::stream)
        .map(s -> sameRegistryRepo(s, target))
        .filter(r -> r != null)
        .forEach(mountable::add);
    List<String> scopes =
        new ArrayList<>(List.of("repository:" + target.repository() + ":pull,push"));
    mountable.stream()
        .limit(MAX_MOUNT_SOURCES)
        .forEach(r -> scopes.add("repository:" + r + ":pull"));
    Set<String> allowed = new HashSet<>(mountable.stream().limit(MAX_MOUNT_SOURCES).toList());
    HttpSession http = new HttpSession(target.registry(), scopes, opts);
    Repository repo = new Repository(http, target.repository(), opts);

    boolean docker = MediaType.DOCKER_MANIFEST.equals(image.manifest().mediaType());
    // Docker v2s2 has no zstd layer type (skopeo refuses one): a zstd push is an OCI manifest.
    boolean toOci = docker && compression != Compression.GZIP;
    List<Callable<Descriptor>> transfers = new ArrayList<>();
    Descriptor config = image.manifest().config();
    transfers.add(
        () -> {
          uploadBlob(repo, config, mountFrom(config.digest(), named, known, target, allowed));
          return config;
        });
    for (int i = 0; i < stored.size(); i++) {
      Descriptor l = stored.get(i);
      Digest diffId = diffIds.get(i);
      transfers.add(
          () -> {
            Descriptor d =
                layerToPush(image, target, l, diffId, compression, docker && !toOci, known);
            uploadBlob(repo, d, mountFrom(d.digest(), named, known, target, allowed));
            return d;
          });
    }
    List<Descriptor> sent = Transfers.run(opts.parallel(), transfers);
    List<Descriptor> layers = sent.subList(1, sent.size());

    byte[] manifest;
    String mediaType;
    if (layers.equals(stored)) {
      manifest = readManifest(image);
      mediaType = image.descriptor().mediaType();
    } else {
      ObjectNode m = image.manifest().json();
      if (toOci) {
        m.put("mediaType", MediaType.OCI_MANIFEST);
        ((ObjectNode) m.get("config")).put("mediaType", MediaType.OCI_CONFIG);
      }
      ArrayNode a = (ArrayNode) m.get("layers");
      for (int i = 0; i < layers.size(); i++) {
        ObjectNode o = (ObjectNode) a.get(i);
        Descriptor d = layers.get(i);
        o.put("mediaType", d.mediaType());
        o.put("digest", d.digest().toString());
        o.put("size", d.size());
      }
      manifest = Json.bytes(m);
      mediaType = toOci ? MediaType.OCI_MANIFEST : image.manifest().mediaType();
    }
    Digest d = Digest.sha256(manifest);
    if (target.digest() != null && !target.digest().equals(d)) {
      throw new RegistryException(
          "push " + target + ": the manifest to push is " + d + ", not the digest asked for");
    }
    repo.putManifest(target.tag() != null ? target.tag() : d.toString(), manifest, mediaType);
    List<Digest> blobs = sent.stream().map(Descriptor::digest).toList();
    store.withIndex(
        idx -> {
          idx.putBlobSources(blobs, target.registry() + "/" + target.repository());
          return null;
        });
    return new Descriptor(mediaType, d, manifest.length);
  }

  /** One index session for what the push needs to know before it starts. */
  private Known lookUp(StoredImage image, List<Digest> diffIds) {
    return store.withIndex(
        idx -> {
          Map<Digest, List<LayerRecord>> forms = new HashMap<>();
          Map<Digest, List<String>> sources = new HashMap<>();
          List<Digest> candidates = new ArrayList<>();
          candidates.add(image.manifest().config().digest());
          image.manifest().layers().forEach(l -> candidates.add(l.digest()));
          for (Digest diffId : diffIds) {
            List<LayerRecord> f = idx.layers(diffId);
            forms.put(diffId, f);
            f.forEach(r -> candidates.add(r.blob()));
          }
          for (Digest c : candidates) {
            List<String> s = idx.blobSources(c);
            if (!s.isEmpty()) {
              sources.put(c, s);
            }
          }
          return new Known(forms, sources);
        });
  }

  private byte[] readManifest(StoredImage image) {
    try {
      return store.blobs().readSmall(image.digest(), Store.MAX_DOCUMENT);
    } catch (IOException e) {
      throw new RegistryException(
          "push: cannot read manifest " + image.digest() + ": " + e.getMessage(), e);
    }
  }

  /** The repository on the same registry that the image was named from, to mount blobs from. */
  private static String namedSource(StoredImage image, RemoteImage target) {
    if (image.name() == null) {
      return null;
    }
    try {
      RemoteImage src = RemoteImage.parse(image.name());
      if (src.registry().equals(target.registry())
          && !src.repository().equals(target.repository())) {
        return src.repository();
      }
    } catch (IllegalArgumentException e) {
      // a name that is no reference: nothing to mount from
    }
    return null;
  }

  /**
   * The repository of {@code source} ({@code registry/name}) when it is another on the target's.
   */
  private static String sameRegistryRepo(String source, RemoteImage target) {
    String prefix = target.registry() + "/";
    if (!source.startsWith(prefix)) {
      return null;
    }
    String repo = source.substring(prefix.length());
    return repo.isEmpty() || repo.equals(target.repository()) ? null : repo;
  }

  /** Where to mount {@code blob} from: a recorded source on the target's registry, or the name. */
  private static String mountFrom(
      Digest blob, String named, Known known, RemoteImage target, Set<String> allowed) {
    for (String s : known.sources().getOrDefault(blob, List.of())) {
      String repo = sameRegistryRepo(s, target);
      if (repo != null && allowed.contains(repo)) {
        return repo;
      }
    }
    return named;
  }

  private void uploadBlob(Repository repo, Descriptor b, String mountFrom) {
    if (repo.hasBlob(b.digest())) {
      opts.progress().finished("Copying blob", b.digest(), b.size(), true);
      return;
    }
    opts.progress().started("Copying blob", b.digest(), b.size());
    BlobStore blobs = store.blobs();
    // Unverified read: the registry hashes what it receives and refuses a mismatch
    // (DIGEST_INVALID) for the digest we name, so hashing here too would only cost time.
    boolean mounted = repo.upload(b.digest(), b.size(), () -> blobs.open(b.digest()), mountFrom);
    opts.progress().finished("Copying blob", b.digest(), b.size(), mounted);
  }

  static Compression compressionOf(String mediaType) {
    return LayerForms.compressionOf(mediaType);
  }

  private static String layerType(Compression c, boolean docker) {
    if (docker) {
      return MediaType.DOCKER_LAYER_GZIP;
    }
    return c == Compression.GZIP ? MediaType.OCI_LAYER_GZIP : MediaType.OCI_LAYER_ZSTD;
  }

  /** The layer as it will be pushed: as stored, a remembered form, or a new one. */
  private Descriptor layerToPush(
      StoredImage image,
      RemoteImage target,
      Descriptor layer,
      Digest diffId,
      Compression want,
      boolean docker,
      Known known)
      throws IOException {
    String type = layerType(want, docker);
    if (compressionOf(layer.mediaType()) == want) {
      return layer.mediaType().equals(type)
          ? layer
          : new Descriptor(type, layer.digest(), layer.size(), layer.annotations(), null);
    }
    LayerRecord r =
        PushForms.remembered(store, known.forms().getOrDefault(diffId, List.of()), want);
    if (r == null) {
      opts.progress().note("Compressing layer " + diffId + " (" + want.name().toLowerCase() + ")");
      r = PushForms.compress(store, "push " + target, layer, diffId, want, type);
      LayerRecord made = r;
      // remembered at once: a push that fails later still leaves the compressed form for the next
      store.withIndex(
          idx -> {
            idx.putLayer(made);
            return null;
          });
    }
    return new Descriptor(type, r.blob(), r.size(), layer.annotations(), null);
  }
}
