package dev.strata.transport;

import dev.strata.archive.LayerIngester;
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
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Copies images between the store and an OCI image layout directory ({@code oci:DIR[:TAG]}, as
 * skopeo and umoci write them): blobs as they are, each verified, the tag as the {@code
 * org.opencontainers.image.ref.name} annotation of its index.json entry.
 */
public final class OciLayoutDir {
  private final Store store;

  public OciLayoutDir(Store store) {
    this.store = store;
  }

  StoredImage read(ImageLocation.OciLayout loc, Platform platform, String name) throws IOException {
    Path dir = loc.dir();
    ImageIndex index;
    try {
      index = ImageIndex.parse(Files.readAllBytes(dir.resolve("index.json")));
    } catch (NoSuchFileException e) {
      throw new TransportException(loc + ": no index.json; not an OCI image layout");
    } catch (IllegalArgumentException e) {
      throw new TransportException(loc + ": index.json is invalid: " + e.getMessage());
    }
    Descriptor d = entry(loc, index);
    try (AutoCloseable w = store.beginWrite()) {
      byte[] mb = small(dir, d, loc);
      if (MediaType.isIndex(d.mediaType())) {
        d = choose(loc, ImageIndex.parse(mb), platform);
        mb = small(dir, d, loc);
      }
      Manifest m = Manifest.parse(mb, d.mediaType());
      byte[] cb = small(dir, m.config(), loc);
      List<Digest> diffIds = ImageConfig.parse(cb).diffIds();
      if (diffIds.size() != m.layers().size()) {
        throw new TransportException(
            loc + ": manifest " + d.digest() + " and its config disagree on the layer count");
      }
      List<LayerRecord> records = new ArrayList<>();
      for (int i = 0; i < m.layers().size(); i++) {
        Descriptor l = m.layers().get(i);
        if (store.blobs().has(l.digest())) {
          continue;
        }
        LayerRecord r;
        try (InputStream in = Files.newInputStream(blob(dir, l.digest()))) {
          r = LayerIngester.ingest(store, in, false, l.digest());
        } catch (CorruptBlobException e) {
          throw new TransportException(loc + ": " + e.getMessage());
        } catch (NoSuchFileException e) {
          throw new TransportException(loc + ": blob " + l.digest() + " is missing");
        }
        if (!r.diffId().equals(diffIds.get(i))) {
          throw new TransportException(
              loc
                  + ": layer "
                  + l.digest()
                  + " has diffID "
                  + r.diffId()
                  + ", the config says "
                  + diffIds.get(i));
        }
        records.add(
            new LayerRecord(r.diffId(), r.blob(), l.mediaType(), r.size(), r.uncompressedSize()));
      }
      store.blobs().write(new ByteArrayInputStream(cb), m.config().digest());
      store.blobs().write(new ByteArrayInputStream(mb), d.digest());
      store.withIndex(
          idx -> {
            records.forEach(idx::putLayer);
            return null;
          });
      String n =
          name != null
              ? name
              : loc.tag() != null && loc.tag().contains(":")
                  ? loc.tag()
                  : loc.dir().getFileName() + ":" + (loc.tag() == null ? "latest" : loc.tag());
      store.tag(new Descriptor(d.mediaType(), d.digest(), mb.length), n);
      return store.image(n);
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  private static Descriptor entry(ImageLocation.OciLayout loc, ImageIndex index) {
    List<Descriptor> ms = index.manifests();
    if (loc.tag() == null) {
      if (ms.size() != 1) {
        throw new TransportException(
            loc + ": the layout holds " + ms.size() + " images; name one as oci:DIR:TAG");
      }
      return ms.get(0);
    }
    for (Descriptor d : ms) {
      if (loc.tag().equals(d.refName())) {
        return d;
      }
    }
    throw new TransportException(
        loc + ": no image named " + loc.tag() + " in " + loc.dir().resolve("index.json"));
  }

  private static Descriptor choose(ImageLocation.OciLayout loc, ImageIndex idx, Platform want) {
    for (Descriptor d : idx.manifests()) {
      Platform p = d.platform();
      if (p != null && p.os().equals(want.os()) && p.architecture().equals(want.architecture())) {
        return d;
      }
    }
    throw new TransportException(loc + ": no image for " + want + " in its index");
  }

  private static Path blob(Path dir, Digest d) {
    return dir.resolve("blobs").resolve(d.algorithm()).resolve(d.hex());
  }

  private static byte[] small(Path dir, Descriptor d, ImageLocation loc) throws IOException {
    Path p = blob(dir, d.digest());
    long size;
    try {
      size = Files.size(p);
    } catch (NoSuchFileException e) {
      throw new TransportException(loc + ": blob " + d.digest() + " is missing");
    }
    if (size > Store.MAX_DOCUMENT) {
      throw new TransportException(loc + ": blob " + d.digest() + " is too large for a document");
    }
    byte[] b = Files.readAllBytes(p);
    Digest got = Digest.sha256(b);
    if (!got.equals(d.digest())) {
      throw new TransportException(
          loc + ": blob " + d.digest() + " refused: its bytes hash to " + got);
    }
    return b;
  }

  /** Writes {@code image} into the layout (created when missing) under {@code loc.tag()}. */
  public Descriptor write(StoredImage image, ImageLocation.OciLayout loc) throws IOException {
    Path dir = loc.dir();
    Path sha = dir.resolve("blobs").resolve("sha256");
    Files.createDirectories(sha);
    Path layout = dir.resolve("oci-layout");
    if (!Files.exists(layout)) {
      atomicWrite(layout, "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
    }
    Set<Digest> digests = new LinkedHashSet<>();
    image.manifest().layers().forEach(l -> digests.add(l.digest()));
    digests.add(image.manifest().config().digest());
    digests.add(image.digest());
    for (Digest d : digests) {
      Path target = blob(dir, d);
      if (Files.isRegularFile(target)) {
        continue;
      }
      Path tmp = Files.createTempFile(sha, ".strata-", ".part");
      try {
        MessageDigest md = Digest.newSha256();
        try (InputStream in = new DigestInputStream(store.blobs().openVerified(d), md);
            OutputStream out = Files.newOutputStream(tmp)) {
          in.transferTo(out);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
    String tag = loc.tag() != null ? loc.tag() : "latest";
    Descriptor entry =
        new Descriptor(image.descriptor().mediaType(), image.digest(), image.descriptor().size())
            .withAnnotation(Descriptor.REF_NAME, tag);
    putEntry(dir, entry);
    return entry;
  }

  /**
   * Adds {@code entry} to the index.json of the layout {@code dir} (made when missing), in place of
   * any entry with the same ref.name annotation; the file is replaced atomically.
   */
  public static void putEntry(Path dir, Descriptor entry) throws IOException {
    ImageIndex index;
    try {
      index = ImageIndex.parse(Files.readAllBytes(dir.resolve("index.json")));
    } catch (NoSuchFileException e) {
      index = ImageIndex.empty();
    }
    List<Descriptor> ms = new ArrayList<>(index.manifests());
    ms.removeIf(d -> entry.refName() != null && entry.refName().equals(d.refName()));
    ms.add(entry);
    atomicWrite(dir.resolve("index.json"), index.withManifests(ms).bytes());
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
