package dev.strata.registry;

import dev.strata.index.LayerRecord;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.ImageConfig;
import dev.strata.oci.ImageIndex;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import dev.strata.oci.Platform;
import dev.strata.store.CorruptBlobException;
import dev.strata.store.Store;
import dev.strata.store.StoredImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * Pulls an image into the store: mirrors first, in order, then the registry; an index is resolved
 * to the requested platform's manifest. Blobs are stored as they come (their digests do not
 * change), each checked against its digest while it streams and its layer against the config's
 * diffID; the image is named only when every blob is in. Under {@link Store#beginWrite}, so a prune
 * cannot take blobs before they are named.
 */
public final class ImagePuller {
  private final Store store;
  private final RegistryOptions opts;

  public ImagePuller(Store store, RegistryOptions opts) {
    this.store = store;
    this.opts = opts;
  }

  /**
   * Pulls {@code image} for {@code platform} and names it {@code name} in the store (null: the
   * familiar form of {@code image}, e.g. {@code busybox:latest}).
   */
  public StoredImage pull(RemoteImage image, Platform platform, String name) {
    List<String> sources = new ArrayList<>(opts.config().registry(image.registry()).mirrors());
    sources.add(image.registry());
    List<String> failed = new ArrayList<>();
    for (int i = 0; i < sources.size(); i++) {
      String host = sources.get(i);
      boolean last = i == sources.size() - 1;
      try {
        if (!last) {
          opts.progress().note("Trying mirror " + host + " for " + image);
        }
        return pullFrom(image.on(host), image, platform, name);
      } catch (OfflineException e) {
        throw e;
      } catch (RegistryException e) {
        if (last) {
          if (failed.isEmpty()) {
            throw e;
          }
          throw new RegistryException(
              e.getMessage() + " (mirrors failed first: " + String.join("; ", failed) + ")", e);
        }
        failed.add(host + ": " + e.getMessage());
        opts.progress().note("Mirror " + host + " failed, trying the next: " + e.getMessage());
      }
    }
    throw new IllegalStateException("no source"); // unreachable: sources always has the registry
  }

  private StoredImage pullFrom(RemoteImage src, RemoteImage asked, Platform platform, String name) {
    HttpSession http =
        new HttpSession(src.registry(), List.of("repository:" + src.repository() + ":pull"), opts);
    Repository repo = new Repository(http, src.repository(), opts);
    Repository.Document doc = repo.manifest(src.manifestReference(), src.digest());
    if (MediaType.isIndex(doc.mediaType())) {
      Descriptor chosen = choose(src, parseIndex(src, doc), platform);
      doc = repo.manifest(chosen.digest().toString(), chosen.digest());
      if (!MediaType.isManifest(doc.mediaType())) {
        throw new RegistryException(
            "pull "
                + src
                + ": the entry for "
                + platform
                + " is not an image manifest ("
                + doc.mediaType()
                + ")");
      }
    }
    Manifest m;
    try {
      m = Manifest.parse(doc.bytes(), doc.mediaType());
    } catch (IllegalArgumentException e) {
      throw new RegistryException(
          "pull " + src + ": manifest " + doc.digest() + " is invalid: " + e.getMessage());
    }
    try (AutoCloseable writing = store.beginWrite()) {
      byte[] configBytes = repo.smallBlob(m.config(), Store.MAX_DOCUMENT);
      ImageConfig config;
      try {
        config = ImageConfig.parse(configBytes);
      } catch (IllegalArgumentException e) {
        throw new RegistryException(
            "pull " + src + ": config " + m.config().digest() + " is invalid: " + e.getMessage());
      }
      String os = config.json().path("os").asText("");
      String arch = config.json().path("architecture").asText("");
      if (!os.isEmpty()
          && !arch.isEmpty()
          && (!os.equals(platform.os()) || !arch.equals(platform.architecture()))) {
        // a single-platform image for another machine (docker refuses it the same way)
        throw new RegistryException(
            "pull "
                + src
                + ": the image is for "
                + os
                + "/"
                + arch
                + ", not "
                + platform
                + " (--platform)");
      }
      List<Digest> diffIds = config.diffIds();
      if (diffIds.size() != m.layers().size()) {
        throw new RegistryException(
            "pull "
                + src
                + ": manifest "
                + doc.digest()
                + " has "
                + m.layers().size()
                + " layers, its config "
                + diffIds.size()
                + " diff_ids");
      }
      List<Callable<LayerRecord>> tasks = new ArrayList<>();
      for (int i = 0; i < m.layers().size(); i++) {
        Descriptor l = m.layers().get(i);
        Digest diffId = diffIds.get(i);
        tasks.add(() -> fetchLayer(repo, l, diffId));
      }
      List<LayerRecord> records = Transfers.run(opts.parallel(), tasks);
      store.blobs().write(new ByteArrayInputStream(configBytes), m.config().digest());
      store.blobs().write(new ByteArrayInputStream(doc.bytes()), doc.digest());
      List<Digest> seen = new ArrayList<>();
      seen.add(m.config().digest());
      m.layers().forEach(l -> seen.add(l.digest()));
      store.withIndex(
          idx -> {
            records.stream().filter(r -> r != null).forEach(idx::putLayer);
            // a later push to another repository of this registry mounts these from here
            idx.putBlobSources(seen, src.registry() + "/" + src.repository());
            return null;
          });
      String n = name != null ? name : asked.familiar();
      store.tag(new Descriptor(doc.mediaType(), doc.digest(), doc.bytes().length), n);
      return store.image(n);
    } catch (IOException e) {
      throw new RegistryException("pull " + src + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new RegistryException("pull " + src + ": " + e.getMessage(), e);
    }
  }

  private LayerRecord fetchLayer(Repository repo, Descriptor l, Digest diffId) {
    String action = "fetch blob " + repo.shown() + "@" + l.digest();
    if (!MediaType.isLayer(l.mediaType())
        || l.mediaType().contains("foreign")
        || l.mediaType().contains("nondistributable")) {
      throw new RegistryException(action + ": unsupported layer type " + l.mediaType());
    }
    if (store.blobs().has(l.digest())) {
      opts.progress().finished("Copying blob", l.digest(), l.size(), true);
      return null;
    }
    opts.progress().started("Copying blob", l.digest(), l.size());
    LayerRecord r;
    try (InputStream in = repo.blob(l)) {
      r = LayerDownload.store(store, in, l);
    } catch (CorruptBlobException e) {
      throw new RegistryException(action + ": " + e.getMessage() + "; nothing was stored", e);
    } catch (IOException e) {
      throw new RegistryException(
          action + ": cannot read the layer: " + Responses.describe(e) + "; nothing was stored", e);
    }
    if (!r.diffId().equals(diffId)) {
      throw new RegistryException(
          action
              + ": the layer's uncompressed digest is "
              + r.diffId()
              + ", the config says "
              + diffId);
    }
    opts.progress().finished("Copying blob", l.digest(), l.size(), false);
    return new LayerRecord(r.diffId(), r.blob(), l.mediaType(), r.size(), r.uncompressedSize());
  }

  private static ImageIndex parseIndex(RemoteImage src, Repository.Document doc) {
    try {
      return ImageIndex.parse(doc.bytes());
    } catch (IllegalArgumentException e) {
      throw new RegistryException(
          "pull " + src + ": index " + doc.digest() + " is invalid: " + e.getMessage());
    }
  }

  /** The index entry for {@code want}: same os and architecture, and variant when it names one. */
  static Descriptor choose(RemoteImage src, ImageIndex index, Platform want) {
    Descriptor loose = null;
    for (Descriptor d : index.manifests()) {
      Platform p = d.platform();
      if (p == null || !p.os().equals(want.os()) || !p.architecture().equals(want.architecture())) {
        continue;
      }
      if (want.variant() == null || want.variant().equals(p.variant())) {
        return d;
      }
      if (p.variant() == null && loose == null) {
        loose = d;
      }
    }
    if (loose != null) {
      return loose;
    }
    String have =
        index.manifests().stream()
            .map(d -> d.platform() == null ? "?" : d.platform().toString())
            .collect(Collectors.joining(", "));
    throw new RegistryException(
        "pull " + src + ": no image for " + want + " (the index has: " + have + ")");
  }
}
