package dev.strata.store;

import dev.strata.index.StoreIndex;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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

  private static final Logger LOG = Logger.getLogger(Store.class.getName());

  private final Path root;
  private final Session session;
  private final Path tmp;
  private final BlobStore blobs;
  private final ImageNames names;
  private final IndexAccess index;

  private Store(Path root, Recovery recovery) throws IOException {
    this.root = root;
    this.index = new IndexAccess(root);
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
      this.names = new ImageNames(root, tmp, blobs);
      names.createLayout();
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
   * Warns, once per command, about a store other users may enter (see {@link
   * PrivateDirs#warnIfOpenToOthers}).
   */
  public static void warnIfOpenToOthers(Path root) throws IOException {
    PrivateDirs.warnIfOpenToOthers(root);
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
    return index.withIndex(fn);
  }

  /**
   * Keeps the index open, under its lock, until the returned handle is closed: a burst of {@link
   * #withIndex} calls (a build answered from the cache makes a dozen) then opens RocksDB once.
   * Other processes wait for the index meanwhile, so hold it only for short work.
   */
  public AutoCloseable holdIndex() {
    return index.holdIndex();
  }

  // ------------------------------------------------------------------ names (ImageNames)

  /** The index.json entries, in file order. */
  public List<Descriptor> entries() {
    return names.entries();
  }

  /** The store's name for a user's name: familiar form, {@code :latest} when untagged. */
  public static String canonicalName(String name) {
    return ImageNames.canonicalName(name);
  }

  /** Names the image whose manifest is {@code manifest}; an existing name is moved. */
  public void tag(Descriptor manifest, String name) {
    names.tag(manifest, name);
  }

  /**
   * Keeps an image that has no name (a build without {@code -t}): an index.json entry without a
   * ref.name, listed as {@code <none>}, found by id; prune keeps it until it is removed.
   */
  public void keep(Descriptor manifest) {
    names.keep(manifest);
  }

  /** Removes names; returns the names removed. An id or digest removes every name it has. */
  public List<String> untag(String nameOrId) {
    return names.untag(nameOrId);
  }

  /** Every named image, in index.json order. */
  public List<StoredImage> images() {
    return names.images();
  }

  /**
   * Finds an image by name ({@code busybox}, {@code busybox:latest}), manifest digest, image id
   * ({@code sha256:...}) or a prefix of at least 3 hex digits of the id, as podman does.
   */
  public StoredImage image(String nameOrId) {
    return names.image(nameOrId);
  }

  /** As {@link #image}, empty when there is no such image. */
  public Optional<StoredImage> find(String nameOrId) {
    return names.find(nameOrId);
  }

  /** Reads and verifies an image's manifest and config. */
  public StoredImage load(String name, Descriptor manifestDesc) {
    return names.load(name, manifestDesc);
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
    return new BlobSweep(this, root, blobs).prune(extraRoots, derived);
  }

  @Override
  public void close() {
    session.close();
  }
}
