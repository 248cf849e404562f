package dev.strata.layer;

import dev.strata.posix.Errno;
import dev.strata.posix.FileNames;
import dev.strata.posix.FileStat;
import dev.strata.posix.Posix;
import dev.strata.posix.PosixException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a tree the build does not own (the build context, a stage's or an image's rootfs, a bind
 * mount's source) as if its root were {@code /}: the read-side sibling of {@link RootResolver} and
 * {@link ScopedRoot}. {@link #find} resolves a path one component at a time, following symlinks
 * (absolute or relative) inside the root and stopping {@code ..} at it, as BuildKit's fsutil and
 * containerd's continuity {@code fs.RootPath} do, so {@code etc -> /etc}, {@code up -> ..} or
 * {@code /opt/app -> /home/me} can never name a host file. Paths it hands out are resolved paths
 * relative to the root ("" is the root), with no symlink but possibly the last.
 *
 * <p>Every read (lstat, readlink, listing, opening) goes through a directory fd pinned inside the
 * root, as {@code /proc/self/fd/N/NAME} where the call never follows NAME: the parent is opened
 * with {@code openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)} where the kernel has it (Linux
 * 5.6), else one component at a time with {@code O_NOFOLLOW} (runc's securejoin fallback), so a
 * symlink swapped in between the walk and the read leads, at worst, elsewhere inside the root, or
 * fails the read. A file is opened {@code O_PATH | O_NOFOLLOW} and checked with fstat before its
 * content is read: a FIFO, socket or device is never opened (no hang).
 *
 * <p>An entry the {@link Hidden} filter hides (.dockerignore) is absent for every lookup, through
 * whatever links it is reached. Needs /proc. Not thread-safe; close it to release its fds.
 */
public final class RootReader implements AutoCloseable {
  /** Which resolved paths a reader treats as absent. */
  public interface Hidden {
    /** Whether {@code path} (resolved, relative to the root) is hidden; {@code isDir} as it is. */
    boolean hides(String path, boolean isDir);
  }

  public static final Hidden NONE = (p, d) -> false;

  private static final int MAX_LINKS = 40; // as Linux's MAXSYMLINKS
  private static final int DIR_PATH = DirFds.DIR_PATH;
  private static final int KEEP = 64;

  private final Path root;
  private final Hidden hidden;
  private final int rootFd;
  private final boolean openat2;
  // resolved directory -> pinned fd, least recently used first; trimmed at the start of each
  // public call, so a path from at() stays valid until the next call
  private final Map<String, Integer> pins = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<Integer, Path> fdPaths = new HashMap<>();

  /** A reader of {@code root}, using openat2 where the kernel has it. */
  public RootReader(Path root, Hidden hidden) throws IOException {
    this(root, hidden, true);
  }

  /** {@code useOpenat2}: false forces the per-component {@code O_NOFOLLOW} walk (tests). */
  public RootReader(Path root, Hidden hidden, boolean useOpenat2) throws IOException {
    this.root = root;
    this.hidden = hidden;
    this.rootFd = Posix.open(root, DIR_PATH, 0);
    if (!Files.isDirectory(DirFds.fdPath(rootFd))) {
      Posix.close(rootFd);
      throw new PosixException(
          "read",
          root.toString(),
          Errno.ENOENT,
          "needs /proc mounted: pinned directories are reached as /proc/self/fd/N");
    }
    this.openat2 = useOpenat2 && DirFds.probeOpenat2(rootFd);
  }

  public Path root() {
    return root;
  }

  /** Whether directories are pinned with openat2 (else by the O_NOFOLLOW walk). */
  public boolean usesOpenat2() {
    return openat2;
  }

  /** {@code dir/name} of two resolved paths, "" being the root. */
  public static String join(String dir, String name) {
    return dir.isEmpty() ? name : name.isEmpty() ? dir : dir + "/" + name;
  }

  /**
   * The resolved path {@code path} (absolute or relative, both from the root) names, or null when
   * nothing is there (missing, hidden, a dangling link, a non-directory in the middle). Every
   * symlink on the way is followed inside the root; the last one only when {@code followLast}.
   * {@code ..} at the root stays at the root; a link loop is an error naming {@code path}.
   */
  public String find(String path, boolean followLast) throws IOException {
    trim();
    Deque<String> todo = new ArrayDeque<>(List.of(path.split("/")));
    List<String> done = new ArrayList<>();
    int links = 0;
    while (!todo.isEmpty()) {
      String c = todo.pollFirst();
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        if (!done.isEmpty()) {
          done.remove(done.size() - 1);
        }
        continue;
      }
      String dir = String.join("/", done);
      String rel = join(dir, c);
      FileStat st = Posix.lstatOrNull(FileNames.resolve(pinnedPath(pin(dir)), c));
      if (st == null || hidden.hides(rel, st.isDirectory())) {
        return null;
      }
      boolean last = todo.stream().allMatch(t -> t.isEmpty() || t.equals("."));
      if (st.isSymlink() && (!last || followLast)) {
        if (++links > MAX_LINKS) {
          throw new LayerException(null, "\"" + path + "\": too many levels of symbolic links");
        }
        String target =
            FileNames.text(Files.readSymbolicLink(FileNames.resolve(pinnedPath(pin(dir)), c)));
        if (target.startsWith("/")) {
          done.clear();
        }
        String[] parts = target.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
          todo.addFirst(parts[i]);
        }
        continue;
      }
      if (!todo.isEmpty() && !st.isDirectory()) {
        return null; // ENOTDIR: "file/x", "file/.." name nothing
      }
      done.add(c);
    }
    return String.join("/", done);
  }

  /** lstat of the resolved path {@code rel}, never following it; null when it is not there. */
  public FileStat lstat(String rel) throws IOException {
    trim();
    return Posix.lstatOrNull(at(rel));
  }

  /** The target of the symlink at {@code rel}, as written. */
  public String readlink(String rel) throws IOException {
    trim();
    return FileNames.text(Files.readSymbolicLink(at(rel)));
  }

  /** The names in the directory {@code rel}, sorted; the directory is opened pinned. */
  public List<String> list(String rel) throws IOException {
    trim();
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(pinnedPath(pinDir(rel)))) {
      for (Path p : ds) {
        names.add(FileNames.name(p)); // any bytes: see FileNames
      }
    }
    names.sort(null);
    return names;
  }

  /**
   * The regular file {@code rel}, open for reading (the caller closes it). It is opened {@code
   * O_PATH | O_NOFOLLOW} first and fstat'ed, so anything else (a FIFO would block the open, a
   * symlink swapped in would be followed) is refused unopened, naming it.
   */
  public FileChannel openFile(String rel) throws IOException {
    trim();
    if (rel.isEmpty()) {
      throw new IOException(root + ": not a regular file");
    }
    int parent = pin(parentOf(rel));
    String name = nameOf(rel);
    int fd = Posix.openat(parent, name, Posix.O_PATH | Posix.O_NOFOLLOW, 0);
    try {
      FileStat st = Posix.fstat(fd, FileNames.resolve(root, rel));
      if (!st.isRegularFile()) {
        throw new IOException(FileNames.display(root + "/" + rel) + ": not a regular file");
      }
      // reopening the O_PATH fd through its magic link opens that same inode, nothing else
      return FileChannel.open(DirFds.fdPath(fd), StandardOpenOption.READ);
    } finally {
      Posix.close(fd);
    }
  }

  /**
   * {@code rel} reached through its pinned parent, {@code /proc/self/fd/N/NAME}, for reads the JDK
   * or the facade make without following NAME (attributes, xattrs); valid until the next call on
   * this reader.
   */
  public Path at(String rel) throws IOException {
    if (rel.isEmpty()) {
      return DirFds.fdPath(rootFd).resolve(".");
    }
    return FileNames.resolve(pinnedPath(pin(parentOf(rel))), nameOf(rel));
  }

  private static String parentOf(String rel) {
    int slash = rel.lastIndexOf('/');
    return slash < 0 ? "" : rel.substring(0, slash);
  }

  private static String nameOf(String rel) {
    return rel.substring(rel.lastIndexOf('/') + 1);
  }

  private Path pinnedPath(int fd) {
    return fdPaths.computeIfAbsent(fd, DirFds::fdPath);
  }

  /** As {@link #pin}, naming the path in the error when it is no directory (any more). */
  private int pinDir(String rel) throws IOException {
    try {
      return pin(rel);
    } catch (PosixException e) {
      throw new IOException(
          FileNames.display(root + "/" + rel) + ": cannot open directory: " + e.getMessage(), e);
    }
  }

  private int pin(String dir) throws PosixException {
    if (dir.isEmpty()) {
      return rootFd;
    }
    Integer fd = pins.get(dir);
    if (fd != null) {
      return fd;
    }
    int opened = DirFds.open(rootFd, dir, openat2);
    pins.put(dir, opened);
    return opened;
  }

  private void trim() {
    var it = pins.entrySet().iterator();
    while (pins.size() > KEEP && it.hasNext()) {
      int fd = it.next().getValue();
      Posix.close(fd);
      fdPaths.remove(fd);
      it.remove();
    }
  }

  @Override
  public void close() {
    for (int fd : pins.values()) {
      Posix.close(fd);
    }
    pins.clear();
    fdPaths.clear();
    Posix.close(rootFd);
  }
}
