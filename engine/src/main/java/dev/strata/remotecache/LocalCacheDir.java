package dev.strata.remotecache;

import dev.strata.buildcache.CacheBundle;
import dev.strata.buildcache.CacheKey;
import dev.strata.buildcache.CacheRecord;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.ImageIndex;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import dev.strata.store.BlobStore;
import dev.strata.transport.OciLayoutDir;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A cache bundle as an OCI image layout directory: {@code oci-layout}, {@code index.json} whose
 * entry tagged {@link #TAG} is the cache manifest, and {@code blobs/sha256/}. The tag is BuildKit's
 * for its local cache, so {@code skopeo copy oci:DIR:latest docker://...} copies it. Blobs already
 * in the directory are kept (content-addressed); only the index entry is replaced.
 */
public final class LocalCacheDir {
  public static final String TAG = "latest";

  /** A cache config is records only: far below this. */
  private static final long MAX_CONFIG = 256L << 20;

  private LocalCacheDir() {}

  /**
   * Writes {@code records} and their layer blobs (which the store holds) into {@code dir}; {@code
   * extraLayers} (cache-mount archives) are added as layers after them.
   */
  public static Descriptor write(
      Path dir,
      Map<CacheKey, CacheRecord> records,
      Map<String, String> facts,
      BlobStore blobs,
      List<Descriptor> extraLayers)
      throws IOException {
    Path sha = dir.resolve("blobs").resolve("sha256");
    Files.createDirectories(sha);
    Path layout = dir.resolve("oci-layout");
    if (!Files.exists(layout)) {
      atomicWrite(layout, "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
    }
    List<Descriptor> layers = new ArrayList<>(CacheBundle.layers(records));
    layers.addAll(extraLayers);
    for (Descriptor l : layers) {
      Path target = blob(dir, l.digest());
      if (Files.isRegularFile(target) && Files.size(target) == l.size()) {
        continue;
      }
      Path tmp = Files.createTempFile(sha, ".strata-", ".part");
      try {
        try (InputStream in = blobs.openVerified(l.digest())) {
          Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(
            tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
    byte[] config = CacheBundle.config(records, facts);
    Descriptor cd = new Descriptor(CacheBundle.CONFIG_TYPE, writeBlob(dir, config), config.length);
    byte[] manifest = CacheBundle.manifest(cd, layers).bytes();
    Descriptor entry =
        new Descriptor(MediaType.OCI_MANIFEST, writeBlob(dir, manifest), manifest.length)
            .withAnnotation(Descriptor.REF_NAME, TAG);
    OciLayoutDir.putEntry(dir, entry);
    return entry;
  }

  /**
   * A bundle read from {@code dir}: its manifest and its records (refusals told to {@code
   * refused}).
   */
  public record Read(Manifest manifest, CacheBundle.Contents contents) {}

  /**
   * Reads the cache manifest tagged {@link #TAG} and its records. The manifest and config are
   * checked against their digests; layer blobs are checked when a build uses them.
   */
  public static Read read(Path dir, Consumer<String> refused) throws IOException {
    byte[] indexBytes;
    try {
      indexBytes = Files.readAllBytes(dir.resolve("index.json"));
    } catch (NoSuchFileException e) {
      throw new IOException(dir + " is not a cache directory: no index.json");
    }
    Descriptor entry = null;
    for (Descriptor d : ImageIndex.parse(indexBytes).manifests()) {
      if (TAG.equals(d.refName())) {
        entry = d;
      }
    }
    if (entry == null) {
      throw new IOException(dir + "/index.json has no manifest tagged " + TAG);
    }
    Manifest m = Manifest.parse(small(dir, entry), entry.mediaType());
    byte[] config = small(dir, m.config());
    try {
      return new Read(m, CacheBundle.read(m, config, refused));
    } catch (IllegalArgumentException e) {
      throw new IOException(dir + ": " + e.getMessage(), e);
    }
  }

  /** The bundle in {@code dir} as an imported cache's source. */
  public static CacheSource source(Path dir) {
    return new CacheSource() {
      @Override
      public String shown() {
        return dir.toString();
      }

      @Override
      public Read read(Consumer<String> refused) throws IOException {
        return LocalCacheDir.read(dir, refused);
      }

      @Override
      public InputStream open(Descriptor d) throws IOException {
        return Files.newInputStream(blob(dir, d.digest()));
      }

      @Override
      public boolean local() {
        return true;
      }
    };
  }

  /** Where a blob of the layout is. */
  public static Path blob(Path dir, Digest d) {
    return dir.resolve("blobs").resolve(d.algorithm()).resolve(d.hex());
  }

  private static byte[] small(Path dir, Descriptor d) throws IOException {
    Path p = blob(dir, d.digest());
    if (d.size() > MAX_CONFIG) {
      throw new IOException(p + ": " + d.size() + " bytes, more than a cache document may be");
    }
    byte[] b;
    try {
      b = Files.readAllBytes(p);
    } catch (NoSuchFileException e) {
      throw new IOException("blob " + d.digest() + " is missing from " + dir);
    }
    Digest got = Digest.sha256(b);
    if (!got.equals(d.digest())) {
      throw new IOException(
          "blob " + d.digest() + " in " + dir + " hashes to " + got + ": refused");
    }
    return b;
  }

  private static Digest writeBlob(Path dir, byte[] bytes) throws IOException {
    Digest d = Digest.sha256(bytes);
    Path p = blob(dir, d);
    if (!Files.isRegularFile(p)) {
      atomicWrite(p, bytes);
    }
    return d;
  }

  private static void atomicWrite(Path p, byte[] bytes) throws IOException {
    Path tmp = Files.createTempFile(p.toAbsolutePath().getParent(), "." + p.getFileName(), ".part");
    try {
      Files.write(tmp, bytes);
      Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
