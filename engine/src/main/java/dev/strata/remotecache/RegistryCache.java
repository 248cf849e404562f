package dev.strata.remotecache;

import dev.strata.buildcache.CacheBundle;
import dev.strata.buildcache.CacheKey;
import dev.strata.buildcache.CacheRecord;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.MediaType;
import dev.strata.registry.ArtifactRepository;
import dev.strata.registry.RegistryOptions;
import dev.strata.registry.RemoteImage;
import dev.strata.store.Store;
import dev.strata.store.StoredImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The build cache in a registry repository ({@code --cache-to/--cache-from
 * type=registry,ref=REG/REPO:TAG}, buildx's spelling): the very manifest and config a bundle
 * directory holds ({@link CacheBundle}), pushed under the tag, its layers the records' blobs.
 * Reading takes the manifest and config only; a blob is downloaded when the build needs its bytes.
 * Pushing sends only what the repository lacks, and mounts a blob from another repository of the
 * registry where the store's images say it is, as BuildKit's registry exporter and {@code docker
 * push} do.
 */
public final class RegistryCache implements CacheSource {
  /** A cache config is records only: far below this. */
  private static final long MAX_CONFIG = 256L << 20;

  private final RemoteImage ref;
  private final RegistryOptions opts;
  private ArtifactRepository repo;

  public RegistryCache(RemoteImage ref, RegistryOptions opts) {
    this.ref = ref;
    this.opts = opts;
  }

  @Override
  public String shown() {
    return ref.toString();
  }

  @Override
  public boolean local() {
    return false;
  }

  @Override
  public LocalCacheDir.Read read(Consumer<String> refused) throws IOException {
    ArtifactRepository.Pulled p = ArtifactRepository.pull(ref, opts);
    repo = p.repository();
    byte[] config = repo.smallBlob(p.manifest().config(), MAX_CONFIG);
    try {
      return new LocalCacheDir.Read(p.manifest(), CacheBundle.read(p.manifest(), config, refused));
    } catch (IllegalArgumentException e) {
      throw new IOException(ref + ": " + e.getMessage(), e);
    }
  }

  @Override
  public InputStream open(Descriptor blob) throws IOException {
    if (repo == null) {
      throw new IllegalStateException("read before open");
    }
    return repo.blob(blob);
  }

  /** What a push sent. */
  public record Pushed(Digest manifest, int layers, int uploaded, int mounted) {}

  /**
   * Pushes {@code records} and their layer blobs (the store holds them) and tags the manifest. A
   * blob the repository holds is not sent; one that an image in the store, named on this registry
   * in another repository, lists is mounted from there.
   */
  public Pushed push(Store store, Map<CacheKey, CacheRecord> records, Map<String, String> facts) {
    List<Descriptor> layers = CacheBundle.layers(records);
    Map<Digest, String> mountable = mountSources(store, ref);
    ArtifactRepository to =
        ArtifactRepository.forPush(
            ref, new ArrayList<>(new LinkedHashSet<>(mountable.values())), opts);
    int uploaded = 0;
    int mounted = 0;
    for (Descriptor l : layers) {
      switch (to.push(l, () -> store.blobs().open(l.digest()), mountable.get(l.digest()))) {
        case UPLOADED -> uploaded++;
        case MOUNTED -> mounted++;
        case PRESENT -> {}
      }
    }
    byte[] config = CacheBundle.config(records, facts);
    Descriptor cd = new Descriptor(CacheBundle.CONFIG_TYPE, Digest.sha256(config), config.length);
    to.push(cd, () -> new ByteArrayInputStream(config), null);
    byte[] manifest = CacheBundle.manifest(cd, layers).bytes();
    Digest d =
        to.putManifest(
            ref.tag() != null ? ref.tag() : Digest.sha256(manifest).toString(),
            manifest,
            MediaType.OCI_MANIFEST);
    return new Pushed(d, layers.size(), uploaded, mounted);
  }

  /**
   * Blob -> a repository of {@code ref}'s registry (not its own) that a stored image's name says
   * holds it.
   */
  static Map<Digest, String> mountSources(Store store, RemoteImage ref) {
    Map<Digest, String> out = new HashMap<>();
    for (StoredImage img : store.images()) {
      if (img.name() == null) {
        continue;
      }
      RemoteImage src;
      try {
        src = RemoteImage.parse(img.name());
      } catch (IllegalArgumentException e) {
        continue; // a name that is no reference: nothing to mount from
      }
      if (src.registry().equals(ref.registry()) && !src.repository().equals(ref.repository())) {
        Set<Digest> blobs = new LinkedHashSet<>();
        img.manifest().layers().forEach(l -> blobs.add(l.digest()));
        blobs.forEach(b -> out.putIfAbsent(b, src.repository()));
      }
    }
    return out;
  }
}
