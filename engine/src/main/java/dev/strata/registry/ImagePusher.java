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
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Pushes an image from the store. Layers go in the compression asked for (gzip by default, as
 * DESIGN.md says: Docker-format consumers and older tools do not read zstd); a layer stored in
 * another compression is recompressed once, and the result is kept in the store and remembered by
 * diffID ({@link LayerRecord}), so the next push sends it as it is. The pushed manifest then names
 * the new blobs, so its digest differs from the stored one. Blobs the registry has are skipped
 * (HEAD); a blob of an image named on the same registry is mounted across repositories.
 */
public final class ImagePusher {
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

  private Descriptor pushLocked(StoredImage image, RemoteImage target, Compression compression) {
    if (compression == Compression.NONE) {
      throw new RegistryException("push " + target + ": layers are pushed with gzip or zstd");
    }
    String mountFrom = mountSource(image, target);
    List<String> scopes =
        new ArrayList<>(List.of("repository:" + target.repository() + ":pull,push"));
    if (mountFrom != null) {
      scopes.add("repository:" + mountFrom + ":pull");
    }
    HttpSession http = new HttpSession(target.registry(), scopes, opts);
    Repository repo = new Repository(http, target.repository(), opts);

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
    boolean docker = MediaType.DOCKER_MANIFEST.equals(image.manifest().mediaType());
    // Docker v2s2 has no zstd layer type (skopeo refuses one): a zstd push is an OCI manifest.
    boolean toOci = docker && compression != Compression.GZIP;
    List<Callable<Descriptor>> prepare = new ArrayList<>();
    for (int i = 0; i < stored.size(); i++) {
      Descriptor l = stored.get(i);
      Digest diffId = diffIds.get(i);
      prepare.add(() -> layerToPush(image, l, diffId, compression, docker && !toOci));
    }
    List<Descriptor> layers = Transfers.run(opts.parallel(), prepare);

    List<Descriptor> blobs = new ArrayList<>();
    blobs.add(image.manifest().config());
    blobs.addAll(layers);
    List<Callable<Boolean>> uploads = new ArrayList<>();
    for (Descriptor b : blobs) {
      uploads.add(() -> uploadBlob(repo, b, mountFrom));
    }
    Transfers.run(opts.parallel(), uploads);

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
    return new Descriptor(mediaType, d, manifest.length);
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
  private static String mountSource(StoredImage image, RemoteImage target) {
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

  private boolean uploadBlob(Repository repo, Descriptor b, String mountFrom) {
    if (repo.hasBlob(b.digest())) {
      opts.progress().finished("Copying blob", b.digest(), b.size(), true);
      return false;
    }
    opts.progress().started("Copying blob", b.digest(), b.size());
    BlobStore blobs = store.blobs();
    // Unverified read: the registry hashes what it receives and refuses a mismatch
    // (DIGEST_INVALID) for the digest we name, so hashing here too would only cost time.
    boolean mounted = repo.upload(b.digest(), b.size(), () -> blobs.open(b.digest()), mountFrom);
    opts.progress().finished("Copying blob", b.digest(), b.size(), mounted);
    return true;
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

  /** The layer as it will be pushed: as stored, a remembered recompression, or a new one. */
  private Descriptor layerToPush(
      StoredImage image, Descriptor layer, Digest diffId, Compression want, boolean docker)
      throws IOException {
    try {
      return LayerForms.inCompression(
          store,
          layer,
          diffId,
          want,
          layerType(want, docker),
          () ->
              opts.progress()
                  .note("Compressing layer " + diffId + " (" + want.name().toLowerCase() + ")"));
    } catch (dev.strata.archive.ArchiveException e) {
      throw new RegistryException("push: " + image.name() + ": " + e.getMessage());
    }
  }
}
