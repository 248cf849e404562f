package dev.strata.layer;

import dev.strata.posix.Errno;
import dev.strata.posix.FileNames;
import dev.strata.posix.FileStat;
import dev.strata.posix.Posix;
import dev.strata.posix.PosixException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Directory file descriptors pinned inside an unpack root, so that no write can be redirected out
 * of it by a symlink swapped in after a check. {@link RootResolver} decides, by reading the tree,
 * which host path an archive name means; every change to the tree is then made through {@link #at}:
 * {@code /proc/self/fd/N/NAME}, where N is the parent directory opened relative to the root's own
 * fd and NAME is one component that the call itself never follows (mkdir, O_CREAT | O_EXCL |
 * O_NOFOLLOW, symlink, link, mknod, the l* calls, {@link Posix#lchmod}). The parent is opened with
 * {@code openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)} where the kernel has it (Linux 5.6): a
 * symlink met on the way, however it got there, is resolved inside the root as if it were "/".
 * Elsewhere it is opened one component at a time with {@code O_NOFOLLOW}, as containerd's and
 * runc's securejoin fallback do, and a symlink where a directory was refuses the entry. Removal
 * ({@link #removeAll}) also descends by fd, never by re-walking a path.
 *
 * <p>Needs /proc (the process's own fd directory). Not thread-safe; one per unpack.
 */
final class ScopedRoot implements AutoCloseable {
  private static final int DIR_PATH = DirFds.DIR_PATH;
  private static final int KEEP = 64;

  private final Path root;
  private final int rootFd;
  private final boolean openat2;
  // host directory -> pinned fd; trimmed between entries only, so a path handed out by at() for
  // the current entry never names an fd that was closed (and reused) meanwhile
  private final Map<Path, Integer> pins = new LinkedHashMap<>(16, 0.75f, true);
  private final Path rootFdPath;
  private final Map<Integer, Path> fdPaths = new java.util.HashMap<>(); // "/proc/self/fd/N" by N

  /** {@code useOpenat2}: false forces the per-component walk (tests of the fallback). */
  ScopedRoot(Path root, boolean useOpenat2) throws PosixException {
    this.root = root;
    this.rootFd = Posix.open(root, DIR_PATH, 0);
    this.rootFdPath = Path.of("/proc/self/fd/" + rootFd);
    if (!Files.isDirectory(rootFdPath)) {
      Posix.close(rootFd);
      throw new PosixException(
          "unpack into",
          root.toString(),
          Errno.ENOENT,
          "needs /proc mounted: pinned directories are reached as /proc/self/fd/N");
    }
    this.openat2 = useOpenat2 && DirFds.probeOpenat2(rootFd);
  }

  ScopedRoot(Path root) throws PosixException {
    this(root, true);
  }

  /** Whether parents are opened with openat2 (else by the O_NOFOLLOW walk). */
  boolean usesOpenat2() {
    return openat2;
  }

  /**
   * {@code host} (the root, or a path under it as {@link RootResolver} resolved it) reached through
   * its pinned parent: {@code /proc/self/fd/N/NAME}; for the root itself {@code
   * /proc/self/fd/ROOT/.}. Its parent must exist.
   */
  Path at(Path host) throws IOException {
    if (host.equals(root)) {
      return rootFdPath.resolve(".");
    }
    return pinnedPath(pin(host.getParent())).resolve(host.getFileName()); // bytes to bytes
  }

  private Path pinnedPath(int fd) {
    return fd == rootFd ? rootFdPath : fdPaths.computeIfAbsent(fd, DirFds::fdPath);
  }

  /**
   * Creates the regular file {@code host} (O_CREAT | O_EXCL | O_NOFOLLOW, relative to its pinned
   * parent, so no symlink is followed and nothing is replaced) and returns its fd, open for
   * writing; -1 when something is already there.
   */
  int create(Path host, int mode) throws IOException {
    int dir = pin(host.getParent());
    try {
      return Posix.openat(
          dir,
          FileNames.name(host),
          Posix.O_WRONLY | Posix.O_CREAT | Posix.O_EXCL | Posix.O_NOFOLLOW,
          mode);
    } catch (PosixException e) {
      if (e.errno() == Errno.EEXIST) {
        return -1;
      }
      throw e;
    }
  }

  /** The directory {@code host} itself, pinned: {@code /proc/self/fd/N/.}. */
  Path dir(Path host) throws IOException {
    return pinnedPath(pin(host)).resolve(".");
  }

  private int pin(Path dir) throws IOException {
    if (dir.equals(root)) {
      return rootFd;
    }
    Integer fd = pins.get(dir);
    if (fd != null) {
      return fd;
    }
    if (!dir.startsWith(root)) {
      throw new IOException(dir + " is not under the unpack root " + root);
    }
    String rel = FileNames.text(root.relativize(dir));
    int opened = DirFds.open(rootFd, rel, openat2);
    pins.put(dir, opened);
    return opened;
  }

  /** Closes pins beyond a small working set; call between entries. */
  void trim() {
    var it = pins.entrySet().iterator();
    while (pins.size() > KEEP && it.hasNext()) {
      Posix.close(it.next().getValue());
      it.remove();
    }
  }

  /** Drops every pin: call before removing or replacing anything in the tree. */
  void forget() {
    for (int fd : pins.values()) {
      Posix.close(fd);
    }
    pins.clear();
  }

  /** Deletes {@code host} and, if it is a directory, everything under it, by fd. */
  void removeAll(Path host) throws IOException {
    forget();
    if (host.equals(root)) {
      throw new IOException("will not remove the unpack root " + root);
    }
    removeAt(pin(host.getParent()), FileNames.name(host));
    forget();
  }

  private static void removeAt(int dirFd, String name) throws IOException {
    Path p = FileNames.resolve(DirFds.fdPath(dirFd), name);
    FileStat st = Posix.lstatOrNull(p);
    if (st == null) {
      return;
    }
    if (st.isDirectory()) {
      int fd;
      try {
        fd = Posix.openat(dirFd, name, DIR_PATH | Posix.O_NOFOLLOW, 0);
      } catch (PosixException e) {
        if (e.errno() != Errno.ENOTDIR && e.errno() != Errno.ELOOP) {
          throw e;
        }
        fd = -1; // replaced by a non-directory since the lstat: delete that, not what it names
      }
      if (fd >= 0) {
        try {
          if ((st.permissions() & 0700) != 0700) {
            Posix.chmod(DirFds.fdPath(fd), st.permissions() | 0700); // the fd's own inode
          }
          List<String> children = new ArrayList<>();
          try (DirectoryStream<Path> ds = Files.newDirectoryStream(DirFds.fdPath(fd))) {
            ds.forEach(c -> children.add(FileNames.name(c)));
          }
          for (String c : children) {
            removeAt(fd, c);
          }
        } finally {
          Posix.close(fd);
        }
      }
    }
    Files.delete(p); // unlink or rmdir of NAME itself
  }

  @Override
  public void close() {
    forget();
    Posix.close(rootFd);
  }
}
