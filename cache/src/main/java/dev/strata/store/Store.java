package dev.strata.store;

import dev.strata.index.StoreIndex;
import dev.strata.nshelper.UserNamespace;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
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
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * The store at {@code --root}: an OCI image layout (oci-layout, index.json, blobs/sha256) that
 * skopeo and umoci read as it stands, each image name an index.json entry with a {@code
 * org.opencontainers.image.ref.name} annotation; the RocksDB index under {@code index/}; work in
 * progress under {@code tmp/}.
 *
 * <p>Concurrency: several processes may use one store. Blob writes are atomic renames of verified
 * temp files; index.json changes are read-modify-rename under {@code index.json.lock}; a writer
 * holds {@code gc.lock} shared from its first blob until the blobs are named, and {@code prune}
 * takes it exclusively, so it never deletes a blob about to be named. Each process works in its own
 * {@code <area>/<session>/} of each {@link WorkArea}, locked while it lives; what a dead process
 * left is swept at the next open ({@link Leftovers}).
 *
 * <p>The store and the directories Strata makes in it are 0700 ({@link PrivateDirs}).
 */
public final class Store implements AutoCloseable {
  /** Manifests, configs and indexes larger than this are refused (a hostile or broken store). */
  public static final long MAX_DOCUMENT = 8L << 20;

  private static final byte[] OCI_LAYOUT =
      "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);

  private static final Logger LOG = Logger.getLogger(Store.class.getName());

  /** The stores this JVM has warned about: once per command, not once per open. */
  private static final Set<Path> WARNED = ConcurrentHashMap.newKeySet();

  private final Path root;
  private final Session session;
  private final Path tmp;
  private final BlobStore blobs;

  private Store(Path root, Recovery recovery) throws IOException {
    this.root = root;
    PrivateDirs.create(root.resolve(WorkArea.TMP.path()));
    PrivateDirs.create(root.resolve("index").resolve("db")); // before RocksDB makes it 0755
    if (recovery == Recovery.SWEEP_AT_OPEN) {
      for (String left : Leftovers.sweep(root, false).left()) {
        // Subordinate ids' files outside the namespace: the next build, run or prune takes them.
        LOG.fine("left for a sweep inside the namespace: " + left);
      }
    }
    this.session = Session.begin(root);
    try {
      this.tmp = session.dir(WorkArea.TMP);
      this.blobs = new BlobStore(root, tmp);
      if (!Files.exists(root.resolve("oci-layout"))) {
        AtomicFiles.write(root.resolve("oci-layout"), OCI_LAYOUT, tmp);
      }
      try (FileLocks.Held l = FileLocks.exclusive(root.resolve("index.json.lock"))) {
        if (!Files.exists(root.resolve("index.json"))) {
          AtomicFiles.write(root.resolve("index.json"), ImageIndex.empty().bytes(), tmp);
        }
      }
    } catch (IOException | RuntimeException e) {
      session.close();
      throw e;
    }
  }

  /** What an open does with what dead processes left in the store. */
  public enum Recovery {
    /** Sweeps it, as far as this process may (every command but prune). */
    SWEEP_AT_OPEN,
    /** Leaves it to {@link #sweepLeftovers}, which counts what it frees (prune). */
    LEAVE_TO_PRUNE
  }

  /** Opens the store at {@code root}, creating it (0700) when missing. */
  public static Store open(Path root) {
    return open(root, Recovery.SWEEP_AT_OPEN);
  }

  /** As {@link #open(Path)}, with leftovers of dead processes handled as {@code recovery} says. */
  public static Store open(Path root, Recovery recovery) {
    Path abs = root.toAbsolutePath().normalize();
    try {
      if (Files.isDirectory(abs)) {
        warnIfOpenToOthers(abs);
      } else {
        PrivateDirs.create(abs);
      }
      return new Store(abs, recovery);
    } catch (IOException e) {
      throw new StoreException("cannot open the store at " + root + ": " + e.getMessage(), e);
    }
  }

  /**
   * Warns, once per command, about a store other users may enter: a setuid file a step leaves in a
   * cache mount would run as the builder for them. Only outside the namespace: the JVM inside runs
   * the same command again, which warned already (a command that enters the namespace before it
   * opens the store calls this first). Nothing for a store not made yet.
   */
  public static void warnIfOpenToOthers(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      return;
    }
    int mode = PrivateDirs.mode(root);
    if ((mode & 077) != 0 && !UserNamespace.inside() && WARNED.add(root)) {
      String what = (mode & 055) != 0 ? "readable" : "writable";
      LOG.warning(
          String.format(
              "store %s is %s by other users (mode %04o); chmod 700 %s",
              root, what, mode & 07777, root));
    }
  }

  /** {@code $XDG_DATA_HOME/strata}, else {@code ~/.local/share/strata}. */
  public static Path defaultRoot() {
    String xdg = System.getenv("XDG_DATA_HOME");
    if (xdg != null && !xdg.isEmpty()) {
      return Path.of(xdg, "strata");
    }
    return Path.of(dev.strata.nshelper.Home.dir(), ".local", "share", "strata");
  }

  public Path root() {
    return root;
  }

  public BlobStore blobs() {
    return blobs;
  }

  /** This process's private work directory inside the store (same filesystem as blobs). */
  public Path tmp() {
    return tmp;
  }

  /**
   * This process's directory in {@code area}, made 0700 on first use, deleted on close, and swept
   * at the next open if the process dies first.
   */
  public Path workDir(WorkArea area) {
    try {
      return session.dir(area);
    } catch (IOException e) {
      throw new StoreException(
          "cannot make " + root.resolve(area.path()) + "/" + session.id() + ": " + e.getMessage(),
          e);
    }
  }

  /**
   * Whether dead processes left anything in the work areas (with {@code strays}, the unnamed
   * entries older Stratas left too). Prune asks, to enter the namespace when there is.
   */
  public boolean hasLeftovers(boolean strays) {
    return Leftovers.any(root, strays);
  }

  /**
   * What a sweep of leftovers did: the directories it deleted whole and the bytes it freed (in
   * those it could delete only in part too), and one line per leftover it could not delete, naming
   * the file and the reason.
   */
  public record Recovered(Freed freed, List<String> left) {}

  /**
   * Deletes what dead processes left in the work areas, and the unnamed entries older Stratas left
   * there: for {@link #prune(Set, Derived)}, whose lock keeps every build and run out.
   */
  public Recovered sweepLeftovers() {
    return Leftovers.sweep(root, true);
  }

  /**
   * Marks the start of a write that creates blobs and then names them; while the returned lock is
   * held, prune waits. Close it after {@link #tag}.
   */
  public AutoCloseable beginWrite() {
    try {
      FileLocks.Held h = FileLocks.shared(root.resolve("gc.lock"));
      return h::close;
    } catch (IOException e) {
      throw new StoreException("cannot lock " + root.resolve("gc.lock") + ": " + e.getMessage(), e);
    }
  }

  /**
   * Runs {@code fn} with the RocksDB index open. RocksDB admits one process at a time, so the index
   * is held only for the call, under {@code index/strata.lock}.
   */
  public <T> T withIndex(Function<StoreIndex, T> fn) {
    StoreIndex held = heldIndex;
    if (held != null) {
      return fn.apply(held);
    }
    try (FileLocks.Held l = FileLocks.exclusive(root.resolve("index").resolve("strata.lock"));
        StoreIndex idx = StoreIndex.open(root.resolve("index").resolve("db"))) {
      return fn.apply(idx);
    } catch (IOException e) {
      throw new StoreException("cannot lock the store index: " + e.getMessage(), e);
    }
  }

  private volatile StoreIndex heldIndex;

  /**
   * Keeps the index open, under its lock, until the returned handle is closed: a burst of {@link
   * #withIndex} calls (a build answered from the cache makes a dozen) then opens RocksDB once.
   * Other processes wait for the index meanwhile, so hold it only for short work.
   */
  public AutoCloseable holdIndex() {
    Path lock = root.resolve("index").resolve("strata.lock");
    FileLocks.Held l;
    try {
      l = FileLocks.exclusive(lock);
    } catch (IOException e) {
      throw new StoreException("cannot lock the store index: " + e.getMessage(), e);
    }
    StoreIndex idx;
    try {
      idx = StoreIndex.open(root.resolve("index").resolve("db"));
    } catch (RuntimeException e) {
      l.close();
      throw e;
    }
    heldIndex = idx;
    return () -> {
      heldIndex = null;
      try {
        idx.close();
      } finally {
        l.close();
      }
    };
  }

  // ------------------------------------------------------------------ names

  /** The index.json entries, in file order. */
  public List<Descriptor> entries() {
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
  public static String canonicalName(String name) {
    return Reference.parse(name).withDefaultTag().familiar();
  }

  /** Names the image whose manifest is {@code manifest}; an existing name is moved. */
  public void tag(Descriptor manifest, String name) {
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
  public void keep(Descriptor manifest) {
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
  public List<String> untag(String nameOrId) {
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
  public List<StoredImage> images() {
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
  public StoredImage image(String nameOrId) {
    return find(nameOrId).orElseThrow(() -> new ImageNotFoundException(nameOrId));
  }

  public Optional<StoredImage> find(String nameOrId) {
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
  public StoredImage load(String name, Descriptor manifestDesc) {
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

  // ------------------------------------------------------------------ prune

  /**
   * What a prune removed.
   *
   * @param removed the blobs deleted
   * @param bytes their size
   * @param derived what {@link Derived} returned (null for none)
   */
  public record PruneResult<T>(List<Digest> removed, long bytes, T derived) {}

  /** A count of things freed and their bytes. */
  public record Freed(int count, long bytes) {
    public static final Freed NOTHING = new Freed(0, 0);
  }

  /**
   * Work a prune does besides the blobs, while it holds the store exclusively (no build or run has
   * it open meanwhile): state made from the blobs that the store does not own, such as the engine's
   * unpacked layers. Runs after the blobs are deleted.
   */
  @FunctionalInterface
  public interface Derived<T> {
    T prune(Store store) throws IOException;
  }

  /**
   * Deletes every blob that no named image reaches (manifests, indexes, configs, layers), no build
   * cache record points to, and {@code extraRoots} does not keep. Waits for writers that have not
   * named their blobs.
   */
  public PruneResult<Void> prune(Set<Digest> extraRoots) {
    return prune(extraRoots, s -> null);
  }

  /** As {@link #prune(Set)}, then {@code derived} under the same lock. */
  public <T> PruneResult<T> prune(Set<Digest> extraRoots, Derived<T> derived) {
    try (FileLocks.Held gc = FileLocks.exclusive(root.resolve("gc.lock"))) {
      Set<Digest> live = new HashSet<>(extraRoots);
      // Read under the lock: a build that records a layer holds it shared until done.
      live.addAll(withIndex(StoreIndex::cachedBlobs));
      for (Descriptor d : entries()) {
        mark(d, live);
      }
      List<Digest> removed = new ArrayList<>();
      long bytes = 0;
      for (Digest b : blobs.list()) {
        if (!live.contains(b)) {
          long size = blobs.size(b);
          if (blobs.delete(b)) {
            removed.add(b);
            bytes += size;
          }
        }
      }
      withIndex(
          idx -> {
            idx.forgetBlobs(removed);
            return null;
          });
      return new PruneResult<>(removed, bytes, derived.prune(this));
    } catch (IOException e) {
      throw new StoreException("prune failed: " + e.getMessage(), e);
    }
  }

  private void mark(Descriptor d, Set<Digest> live) throws IOException {
    if (!live.add(d.digest()) || !blobs.has(d.digest())) {
      return;
    }
    if (MediaType.isManifest(d.mediaType())) {
      Manifest m = Manifest.parse(blobs.readSmall(d.digest(), MAX_DOCUMENT), d.mediaType());
      live.add(m.config().digest());
      m.layers().forEach(l -> live.add(l.digest()));
    } else if (MediaType.isIndex(d.mediaType())) {
      for (Descriptor child :
          ImageIndex.parse(blobs.readSmall(d.digest(), MAX_DOCUMENT)).manifests()) {
        mark(child, live);
      }
    }
  }

  @Override
  public void close() {
    session.close();
  }
}
