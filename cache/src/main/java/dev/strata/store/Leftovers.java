package dev.strata.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What dead processes left in the store's {@link WorkArea}s, and its sweep. A session whose lock is
 * free belongs to a dead process (a crash, a kill -9, a CI timeout): its directories in every area
 * go. Its files may belong to subordinate ids (a step chowned them); outside Strata's user
 * namespace those cannot be deleted (EACCES), so a sweep there deletes what it can, leaves the rest
 * to a sweep inside the namespace (the next build, run or prune, which enter it) and never fails
 * the command for it: a crash must not lock the store.
 */
final class Leftovers {
  /**
   * A lock file with no directory beside it whose lock is free is a process killed between taking
   * the lock and making its directory, or one starting right now (it creates the file, then locks
   * it); the second makes its directory at once, so only an old one is dead.
   */
  private static final Duration LONE_LOCK_AGE = Duration.ofMinutes(1);

  private Leftovers() {}

  /** What deleting one tree did: bytes of the regular files deleted (each inode once). */
  record Removal(long bytes, boolean whole, String error) {}

  private static final Store.Recovered NOTHING =
      new Store.Recovered(Store.Freed.NOTHING, List.of());

  /**
   * Deletes the directories of every dead session in the store at {@code root}; with {@code
   * strays}, also what in the work areas no session names (the shared {@code layers/tmp} and {@code
   * layers/work} entries of Stratas before sessions were kept there). Strays are only safe to take
   * under prune's exclusive lock, which every build and run holds shared.
   */
  static Store.Recovered sweep(Path root, boolean strays) {
    Found found = find(root, strays);
    int count = 0;
    long bytes = 0;
    List<String> left = new ArrayList<>();
    for (String id : found.sessions) {
      Store.Recovered s = sweepSession(root, id);
      count += s.freed().count();
      bytes += s.freed().bytes();
      left.addAll(s.left());
    }
    for (Path p : found.strays) {
      Removal r = remove(p);
      bytes += r.bytes();
      if (r.whole()) {
        count++;
      } else {
        left.add(root.relativize(p) + ": " + r.error());
      }
    }
    return new Store.Recovered(new Store.Freed(count, bytes), left);
  }

  /** Whether a {@link #sweep} would find anything to delete. */
  static boolean any(Path root, boolean strays) {
    Found found = find(root, strays);
    if (!found.strays.isEmpty()) {
      return true;
    }
    for (String id : found.sessions) {
      try (FileChannel ch =
              FileChannel.open(
                  Session.lockFile(root, id), StandardOpenOption.WRITE, StandardOpenOption.CREATE);
          FileLock l = ch.tryLock()) {
        if (l != null) {
          return true;
        }
      } catch (IOException | OverlappingFileLockException e) {
        // live, or not ours to judge
      }
    }
    return false;
  }

  /** Session ids (not of this JVM) named in the work areas, and with strays, the other entries. */
  private record Found(Set<String> sessions, List<Path> strays) {}

  private static Found find(Path root, boolean strays) {
    Set<String> sessions = new TreeSet<>();
    List<Path> other = new ArrayList<>();
    for (WorkArea area : WorkArea.values()) {
      for (Path p : list(root.resolve(area.path()))) {
        String name = p.getFileName().toString();
        String id =
            area == WorkArea.TMP && name.endsWith(".lock")
                ? name.substring(0, name.length() - 5)
                : name;
        if (!Session.ID.matcher(id).matches()) {
          if (strays) {
            other.add(p);
          }
        } else if (!Session.heldHere(id) && (id.equals(name) || oldLoneLock(root, id, p))) {
          sessions.add(id);
        }
      }
    }
    return new Found(sessions, other);
  }

  private static boolean oldLoneLock(Path root, String id, Path lock) {
    for (WorkArea area : WorkArea.values()) {
      if (Files.exists(root.resolve(area.path()).resolve(id), LinkOption.NOFOLLOW_LINKS)) {
        return true; // judged by its directories, whatever its age
      }
    }
    try {
      FileTime t = Files.getLastModifiedTime(lock, LinkOption.NOFOLLOW_LINKS);
      return t.toInstant().isBefore(Instant.now().minus(LONE_LOCK_AGE));
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Sweeps one session if its lock is free, holding the lock meanwhile so that two sweepers do not
   * delete one tree at once. The lock file goes last, and only once nothing of it is left.
   */
  private static Store.Recovered sweepSession(Path root, String id) {
    Path lockFile = Session.lockFile(root, id);
    try (FileChannel ch =
            FileChannel.open(lockFile, StandardOpenOption.WRITE, StandardOpenOption.CREATE);
        FileLock l = ch.tryLock()) {
      if (l == null) {
        return NOTHING; // a live process
      }
      int count = 0;
      long bytes = 0;
      List<String> left = new ArrayList<>();
      for (WorkArea area : WorkArea.values()) {
        Path d = root.resolve(area.path()).resolve(id);
        if (!Files.exists(d, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        Removal r = remove(d);
        bytes += r.bytes();
        if (r.whole()) {
          count++;
        } else {
          left.add(root.relativize(d) + ": " + r.error());
        }
      }
      if (left.isEmpty()) {
        Files.deleteIfExists(lockFile);
      }
      return new Store.Recovered(new Store.Freed(count, bytes), left);
    } catch (OverlappingFileLockException e) {
      return NOTHING; // another thread of this JVM is sweeping it
    } catch (IOException e) {
      return new Store.Recovered(
          Store.Freed.NOTHING, List.of(root.relativize(lockFile) + ": " + e));
    }
  }

  private static List<Path> list(Path dir) {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      ds.forEach(out::add);
    } catch (IOException e) {
      // missing (nothing was ever made there) or unreadable: nothing to sweep
    }
    return out;
  }

  /**
   * Deletes {@code p} and everything under it without following symlinks, as much as can be
   * deleted: a directory of its owner's that lacks rwx for it (overlayfs makes its {@code
   * work/work} 0000) is opened up first; a file it may not delete is skipped and named, and the
   * walk goes on.
   */
  static Removal remove(Path p) {
    Set<Object> seen = new HashSet<>();
    long[] bytes = {0};
    List<String> errors = new ArrayList<>();
    boolean whole = remove(p, seen, bytes, errors);
    return new Removal(bytes[0], whole, errors.isEmpty() ? null : errors.get(0));
  }

  private static final Set<PosixFilePermission> OWNER_RWX =
      EnumSet.of(
          PosixFilePermission.OWNER_READ,
          PosixFilePermission.OWNER_WRITE,
          PosixFilePermission.OWNER_EXECUTE);

  private static boolean remove(Path p, Set<Object> seen, long[] bytes, List<String> errors) {
    PosixFileAttributes a;
    try {
      a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return true;
    } catch (IOException e) {
      errors.add(describe(p, e));
      return false;
    }
    boolean whole = true;
    if (a.isDirectory()) {
      if (!a.permissions().containsAll(OWNER_RWX)) {
        Set<PosixFilePermission> perms = EnumSet.copyOf(OWNER_RWX);
        perms.addAll(a.permissions());
        try {
          Files.setPosixFilePermissions(p, perms);
        } catch (IOException e) {
          // not ours (a subordinate id's): deleting may still work inside the namespace
        }
      }
      List<Path> children = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
        ds.forEach(children::add);
      } catch (NoSuchFileException e) {
        return true;
      } catch (IOException e) {
        errors.add(describe(p, e));
        return false;
      }
      for (Path c : children) {
        whole &= remove(c, seen, bytes, errors);
      }
      if (!whole) {
        return false;
      }
    }
    try {
      Files.delete(p);
    } catch (NoSuchFileException e) {
      return true;
    } catch (IOException e) {
      errors.add(describe(p, e));
      return false;
    }
    if (a.isRegularFile() && seen.add(a.fileKey() == null ? p : a.fileKey())) {
      bytes[0] += a.size();
    }
    return true;
  }

  private static String describe(Path p, IOException e) {
    String why =
        e instanceof AccessDeniedException
            ? "permission denied"
            : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return "cannot delete " + p + " (" + why + ")";
  }
}
