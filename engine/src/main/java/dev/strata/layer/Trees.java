package dev.strata.layer;

import dev.strata.posix.Errno;
import dev.strata.posix.FileStat;
import dev.strata.posix.Posix;
import dev.strata.posix.PosixException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/** Whole-tree operations that never follow symlinks: delete, and a copy that keeps everything. */
public final class Trees {
  private Trees() {}

  /**
   * Deletes {@code dir} as one step first, then its content: it is renamed into a new directory
   * under {@code trash} (on the same filesystem), then removed. A process cut short leaves a tree
   * in the trash, never a half-deleted one where it was, which a reader would take for whole.
   * Returns the bytes of its regular files, each inode once.
   */
  public static long discard(Path dir, Path trash) throws IOException {
    Files.createDirectories(trash);
    Path doomed = Files.createTempDirectory(trash, "discarded-");
    Files.move(dir, doomed.resolve("tree"), StandardCopyOption.ATOMIC_MOVE);
    return remove(doomed, new HashSet<>());
  }

  /** Deletes a tree without following symlinks; makes read-only directories writable first. */
  public static void removeAll(Path p) throws IOException {
    remove(p, null);
  }

  /**
   * As {@link #removeAll}; with {@code seenInodes}, returns the bytes of the regular files deleted,
   * each inode once (null: counts nothing).
   */
  private static long remove(Path p, Set<String> seenInodes) throws IOException {
    FileStat st = Posix.lstatOrNull(p);
    if (st == null) {
      return 0;
    }
    long bytes = 0;
    if (seenInodes != null && st.isRegularFile() && seenInodes.add(st.inodeKey())) {
      bytes = st.size();
    }
    if (st.isDirectory()) {
      if ((st.permissions() & 0700) != 0700) {
        Posix.chmod(p, st.permissions() | 0700);
      }
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
        for (Path c : ds) {
          bytes += remove(c, seenInodes);
        }
      }
    }
    Files.delete(p);
    return bytes;
  }

  /**
   * Copies {@code src} into the new directory {@code dst}: contents, type, mode with setuid and
   * sticky, owners (recorded ones too, see {@link Ownership}), nanosecond mtimes, xattrs, hard
   * links among the copied files, symlinks as they are, fifos, and device nodes where allowed (else
   * skipped with a warning). Overlay whiteouts (char 0:0) are copied like any device. File data is
   * reflinked where the filesystem can, else copied, decided once per call ({@link FileCloner}).
   */
  public static void copy(Path src, Path dst, Consumer<String> warn) throws IOException {
    copy(src, dst, warn, new FileCloner());
  }

  /** As {@link #copy(Path, Path, Consumer)}, with the data copied by {@code data}. */
  static void copy(Path src, Path dst, Consumer<String> warn, FileCloner data) throws IOException {
    Map<String, Path> copiedInodes = new HashMap<>();
    List<Path[]> dirs = new ArrayList<>();
    copyOne(src, dst, Posix.lstat(src), copiedInodes, dirs, warn, data);
    for (int i = dirs.size() - 1; i >= 0; i--) {
      finish(dirs.get(i)[0], dirs.get(i)[1], Posix.lstat(dirs.get(i)[0]), warn);
    }
  }

  private static void copyOne(
      Path s,
      Path d,
      FileStat st,
      Map<String, Path> inodes,
      List<Path[]> dirs,
      Consumer<String> warn,
      FileCloner data)
      throws IOException {
    switch (st.type()) {
      case FileStat.S_IFDIR -> {
        Files.createDirectory(d);
        dirs.add(new Path[] {s, d});
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(s)) {
          ds.forEach(children::add);
        }
        for (Path c : children) {
          // the listed name's own bytes, whatever they are (a Path resolves bytes to bytes)
          copyOne(c, d.resolve(c.getFileName()), Posix.lstat(c), inodes, dirs, warn, data);
        }
        return;
      }
      case FileStat.S_IFREG -> {
        if (st.nlink() > 1) {
          Path first = inodes.putIfAbsent(st.inodeKey(), d);
          if (first != null) {
            Files.createLink(d, first);
            return;
          }
        }
        data.copy(s, d);
      }
      case FileStat.S_IFLNK -> Files.createSymbolicLink(d, Files.readSymbolicLink(s));
      case FileStat.S_IFIFO -> Posix.mkfifo(d, 0600);
      case FileStat.S_IFCHR, FileStat.S_IFBLK -> {
        try {
          Posix.mknod(d, st.type(), 0600, st.rdevMajor(), st.rdevMinor());
        } catch (PosixException e) {
          if (e.errno() != Errno.EPERM) {
            throw e;
          }
          warn.accept("device " + s + " not copied: " + e.getMessage());
          return;
        }
      }
      default -> {
        warn.accept("socket " + s + " not copied");
        return;
      }
    }
    finish(s, d, st, warn);
  }

  private static void finish(Path s, Path d, FileStat st, Consumer<String> warn)
      throws IOException {
    int[] owner = Ownership.of(s, st);
    Ownership.apply(d, Posix.lstat(d), owner[0], owner[1], true, warn);
    if (!st.isSymlink()) {
      for (String x : Posix.llistxattr(s)) {
        if (!x.equals(Ownership.XATTR)) {
          byte[] v = Posix.lgetxattr(s, x);
          if (v != null) {
            try {
              Posix.lsetxattr(d, x, v);
            } catch (PosixException e) {
              warn.accept("xattr " + x + " of " + s + " not copied: " + e.getMessage());
            }
          }
        }
      }
      Posix.chmod(d, st.permissions());
    }
    Posix.lutimes(d, st.mtimeSec(), st.mtimeNsec());
  }
}
