package dev.strata.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * One open of the store by one process: a random id, the lock {@code tmp/<id>.lock} held while the
 * process lives, and a directory named by the id in each {@link WorkArea}. The lock is how other
 * processes tell the living from the dead: the kernel drops it when the process dies, however it
 * dies (fcntl locks, as podman's and containerd's lock files).
 */
final class Session implements AutoCloseable {
  static final Pattern ID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  /**
   * The sessions this JVM holds. A sweeper skips them without opening their lock files: closing any
   * channel of a file drops every fcntl lock the process has on it (FileLock's javadoc), so a sweep
   * in the same JVM would otherwise free a live session's lock.
   */
  private static final Set<String> HELD = ConcurrentHashMap.newKeySet();

  private final Path root;
  private final String id;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Map<WorkArea, Path> made = new EnumMap<>(WorkArea.class);

  private Session(Path root, String id, FileChannel lockChannel, FileLock lock) {
    this.root = root;
    this.id = id;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Starts a session in the store at {@code root} (whose {@code tmp/} exists). Locks first, then
   * makes the directory: a sweeper only looks at directories, and by the time it sees this one, the
   * lock beside it is held.
   */
  static Session begin(Path root) throws IOException {
    String id = UUID.randomUUID().toString();
    HELD.add(id);
    FileChannel ch = null;
    try {
      ch =
          FileChannel.open(lockFile(root, id), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      Session s = new Session(root, id, ch, ch.lock());
      s.dir(WorkArea.TMP);
      return s;
    } catch (IOException | RuntimeException e) {
      if (ch != null) {
        ch.close();
      }
      HELD.remove(id);
      throw e;
    }
  }

  static Path lockFile(Path root, String id) {
    return root.resolve(WorkArea.TMP.path()).resolve(id + ".lock");
  }

  static boolean heldHere(String id) {
    return HELD.contains(id);
  }

  String id() {
    return id;
  }

  /** This session's directory in {@code area}, made 0700 on first use. */
  synchronized Path dir(WorkArea area) throws IOException {
    Path d = made.get(area);
    if (d == null) {
      d = PrivateDirs.create(root.resolve(area.path())).resolve(id);
      if (!Files.isDirectory(d)) {
        PrivateDirs.createNew(d);
      }
      made.put(area, d);
    }
    return d;
  }

  /**
   * Deletes this session's directories, then the lock. What cannot be deleted (a step's files of
   * subordinate ids, when this process runs outside the namespace) is left to the next sweep.
   */
  @Override
  public synchronized void close() {
    boolean whole = true;
    for (Path d : made.values()) {
      whole &= Leftovers.remove(d).whole();
    }
    try {
      if (whole) {
        Files.deleteIfExists(lockFile(root, id));
      }
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      // The kernel drops the lock when the process exits; the next open sweeps the rest.
    } finally {
      HELD.remove(id);
    }
  }
}
