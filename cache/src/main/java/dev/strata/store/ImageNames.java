package dev.strata.store;

import static dev.strata.store.Store.MAX_DOCUMENT;

import dev.strata.oci.Descriptor;
import dev.strata.oci.ImageConfig;
import dev.strata.oci.ImageIndex;
import dev.strata.oci.InvalidJsonException;
import dev.strata.oci.InvalidReferenceException;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import dev.strata.oci.Reference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The store's image names: index.json's entries, each a manifest with its {@code
 * org.opencontainers.image.ref.name} (none for a kept, unnamed build), read as they stand and
 * changed by read-modify-rename under {@code index.json.lock}; images found by name, digest, id or
 * id prefix. {@link Store}'s name methods are these.
 */
final class ImageNames {
  private static final byte[] OCI_LAYOUT =
      "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);

  private final Path root;
  private final Path tmp;
  private final BlobStore blobs;

  ImageNames(Path root, Path tmp, BlobStore blobs) {
    this.root = root;
    this.tmp = tmp;
    this.blobs = blobs;
  }

  /** Makes oci-layout and an empty index.json where they are missing (a new store). */
  void createLayout() throws IOException {
    if (!Files.exists(root.resolve("oci-layout"))) {
      AtomicFiles.write(root.resolve("oci-layout"), OCI_LAYOUT, tmp);
    }
    try (FileLocks.Held l = FileLocks.exclusive(root.resolve("index.json.lock"))) {
      if (!Files.exists(root.resolve("index.json"))) {
        AtomicFiles.write(root.resolve("index.json"), ImageIndex.empty().bytes(), tmp);
      }
    }
  }

  /** The index.json entries, in file order. */
  List<Descriptor> entries() {
    return readIndex().manifests();
  }

  private ImageIndex readIndex() {
    Path p = root.resolve("index.json");
    try {
      return ImageIndex.parse(Files.readAllBytes(p));
    } catch (NoSuchFileException e) {
      return ImageIndex.empty();
    } catch (InvalidJsonException e) {
      throw new StoreException(
          p + " is corrupt (" + e.getMessage() + "); restore it or delete it to forget all names");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private interface IndexEdit {
    List<Descriptor> apply(List<Descriptor> entries);
  }

  private void editIndex(IndexEdit edit) {
    try (FileLocks.Held l = FileLocks.exclusive(root.resolve("index.json.lock"))) {
      ImageIndex idx = readIndex();
      List<Descriptor> next = edit.apply(new ArrayList<>(idx.manifests()));
      AtomicFiles.write(root.resolve("index.json"), idx.withManifests(next).bytes(), tmp);
    } catch (IOException e) {
      throw new StoreException(
          "cannot update " + root.resolve("index.json") + ": " + e.getMessage(), e);
    }
  }

  /** The store's name for a user's name: familiar form, {@code :latest} when untagged. */
  static String canonicalName(String name) {
    return Reference.parse(name).withDefaultTag().familiar();
  }

  /** Names the image whose manifest is {@code manifest}; an existing name is moved. */
  void tag(Descriptor manifest, String name) {
    String n = canonicalName(name);
    if (!blobs.has(manifest.digest())) {
      throw new StoreException(
          "cannot tag " + n + ": manifest " + manifest.digest() + " is not in the store");
    }
    Descriptor entry =
        new Descriptor(manifest.mediaType(), manifest.digest(), manifest.size())
            .withAnnotation(Descriptor.REF_NAME, n);
    editIndex(
        entries -> {
          entries.removeIf(d -> n.equals(d.refName()));
          entries.add(entry);
          return entries;
        });
  }

  /**
   * Keeps an image that has no name (a build without {@code -t}): an index.json entry without a
   * ref.name, listed as {@code <none>}, found by id; prune keeps it until it is removed.
   */
  void keep(Descriptor manifest) {
    Descriptor entry = new Descriptor(manifest.mediaType(), manifest.digest(), manifest.size());
    editIndex(
        entries -> {
          if (entries.stream().noneMatch(d -> d.digest().equals(manifest.digest()))) {
            entries.add(entry);
          }
          return entries;
        });
  }

  /** Removes names; returns the names removed. An id or digest removes every name it has. */
  List<String> untag(String nameOrId) {
    StoredImage img = image(nameOrId);
    List<String> removed = new ArrayList<>();
    boolean byName = img.name() != null && img.name().equals(tryCanonical(nameOrId));
    editIndex(
        entries -> {
          entries.removeIf(
              d -> {
                boolean hit =
                    byName ? img.name().equals(d.refName()) : d.digest().equals(img.digest());
                if (hit && d.refName() != null) {
                  removed.add(d.refName());
                }
                return hit;
              });
          return entries;
        });
    return removed;
  }

  private static String tryCanonical(String name) {
    try {
      return canonicalName(name);
    } catch (InvalidReferenceException e) {
      return null;
    }
  }

  /** Every named image, in index.json order. */
  List<StoredImage> images() {
    List<StoredImage> out = new ArrayList<>();
    for (Descriptor d : entries()) {
      if (MediaType.isManifest(d.mediaType())) {
        out.add(load(d.refName(), d));
      }
    }
    return out;
  }

  /**
   * Finds an image by name ({@code busybox}, {@code busybox:latest}), manifest digest, image id
   * ({@code sha256:...}) or a prefix of at least 3 hex digits of the id, as podman does.
   */
  StoredImage image(String nameOrId) {
    return find(nameOrId).orElseThrow(() -> new ImageNotFoundException(nameOrId));
  }

  Optional<StoredImage> find(String nameOrId) {
    List<Descriptor> entries = entries();
    String n = tryCanonical(nameOrId);
    if (n != null) {
      for (Descriptor d : entries) {
        if (n.equals(d.refName())) {
          return Optional.of(load(d.refName(), d));
        }
      }
    }
    String hex = nameOrId.startsWith("sha256:") ? nameOrId.substring(7) : nameOrId;
    if (hex.length() >= 3 && hex.matches("[0-9a-f]+")) {
      for (Descriptor d : entries) {
        if (!MediaType.isManifest(d.mediaType())) {
          continue;
        }
        if (d.digest().hex().startsWith(hex) && hex.length() == 64) {
          return Optional.of(load(d.refName(), d));
        }
        StoredImage img = load(d.refName(), d);
        if (img.id().hex().startsWith(hex)) {
          return Optional.of(img);
        }
      }
    }
    if (n == null) {
      // Neither a valid name nor an id: say why the name is wrong.
      Reference.parse(nameOrId);
    }
    return Optional.empty();
  }

  /** Reads and verifies an image's manifest and config. */
  StoredImage load(String name, Descriptor manifestDesc) {
    try {
      Manifest m =
          Manifest.parse(
              blobs.readSmall(manifestDesc.digest(), MAX_DOCUMENT), manifestDesc.mediaType());
      ImageConfig c = ImageConfig.parse(blobs.readSmall(m.config().digest(), MAX_DOCUMENT));
      return new StoredImage(name, manifestDesc, m, c);
    } catch (InvalidJsonException e) {
      throw new StoreException(
          "image "
              + (name == null ? manifestDesc.digest() : name)
              + " is unreadable: "
              + e.getMessage());
    } catch (IOException e) {
      throw new StoreException("cannot read image " + name + ": " + e.getMessage(), e);
    }
  }
}
