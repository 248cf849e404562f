package dev.strata.layer;

import dev.strata.posix.FileNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Resolves archive names inside a root directory as if it were {@code /}, the way {@code
 * openat2(RESOLVE_IN_ROOT)} and containerd's {@code fs.RootPath} do: symlinks met on the way
 * (absolute or relative, from this layer or a lower one) are followed inside the root, and {@code
 * ..} stops at the root. The last component is never followed, so a write through it creates or
 * replaces the link itself. This is a userspace walk (lstat per component with no following): it
 * decides which path is meant. On its own it is race-free only while nothing else writes the tree;
 * the unpacker therefore makes every change through {@link ScopedRoot}, whose pinned directory fds
 * keep a symlink swapped in meanwhile from leading a write outside.
 */
public final class RootResolver {
  private static final int MAX_LINKS = 40; // as Linux's MAXSYMLINKS

  private final Path root;
  // Directories seen to be real directories (not links) since the last removal: saves an lstat
  // per path component per entry. Any removal in the tree clears it (forget).
  private final java.util.Set<Path> knownDirs = new java.util.HashSet<>();

  public RootResolver(Path root) {
    this.root = root;
  }

  /**
   * The cleaned components of an archive name, with {@code ./} and leading {@code /} dropped;
   * refuses names that climb above the root with {@code ..} (containerd and moby refuse them too).
   */
  public static List<String> clean(String name) throws LayerException {
    List<String> out = new ArrayList<>();
    for (String c : name.split("/")) {
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        if (out.isEmpty()) {
          throw new LayerException(name, "path climbs above the root with \"..\"");
        }
        out.remove(out.size() - 1);
        continue;
      }
      if (c.indexOf('\0') >= 0) {
        throw new LayerException(name, "NUL byte in name");
      }
      out.add(c);
    }
    return out;
  }

  /**
   * The host path of {@code comps} with every component but the last resolved inside the root.
   * Missing components are kept as they are (the caller creates them as directories).
   */
  public Path resolve(String name, List<String> comps) throws IOException {
    if (comps.isEmpty()) {
      return root;
    }
    Path parent = resolveAll(name, comps.subList(0, comps.size() - 1));
    return FileNames.resolve(parent, comps.get(comps.size() - 1));
  }

  /** The host path of {@code comps} with every component, the last included, resolved. */
  public Path resolveAll(String name, List<String> comps) throws IOException {
    Deque<String> todo = new ArrayDeque<>(comps);
    List<String> done = new ArrayList<>();
    int links = 0;
    while (!todo.isEmpty()) {
      String c = todo.pollFirst();
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        if (!done.isEmpty()) {
          done.remove(done.size() - 1); // ".." at the root stays at the root
        }
        continue;
      }
      Path p = FileNames.resolve(join(done), c);
      if (knownDirs.contains(p)) {
        done.add(c);
        continue;
      }
      if (Files.isSymbolicLink(p)) {
        if (++links > MAX_LINKS) {
          throw new LayerException(name, "too many levels of symbolic links");
        }
        String target = FileNames.text(Files.readSymbolicLink(p));
        if (target.startsWith("/")) {
          done.clear();
        }
        String[] parts = target.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
          todo.addFirst(parts[i]);
        }
        continue;
      }
      done.add(c);
    }
    Path out = join(done);
    if (!out.startsWith(root)) {
      throw new LayerException(name, "resolves outside the root"); // cannot happen; checked anyway
    }
    return out;
  }

  private Path join(List<String> comps) {
    Path p = root;
    for (String c : comps) {
      p = FileNames.resolve(p, c);
    }
    return p;
  }

  /** Forgets what it knew of the tree: call before removing anything from it. */
  void forget() {
    knownDirs.clear();
  }

  /** Makes the directories of {@code dir} that are missing; refuses a non-directory on the way. */
  public void mkdirs(String name, Path dir) throws IOException {
    mkdirs(name, dir, null);
  }

  /** As {@link #mkdirs(String, Path)}, each directory made through its pinned parent. */
  void mkdirs(String name, Path dir, ScopedRoot scoped) throws IOException {
    if (knownDirs.contains(dir)) {
      return;
    }
    if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      markDirs(dir);
      return;
    }
    if (!dir.startsWith(root) || dir.equals(root)) {
      throw new LayerException(name, "parent directory outside the root");
    }
    mkdirs(name, dir.getParent(), scoped);
    if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new LayerException(
          name,
          "parent "
              + FileNames.display(FileNames.text(root.relativize(dir)))
              + " is not a directory");
    }
    Files.createDirectory(scoped == null ? dir : scoped.at(dir));
    knownDirs.add(dir);
  }

  /** {@code dir} and its ancestors up to the root were all resolved without links. */
  private void markDirs(Path dir) {
    for (Path p = dir; p != null && p.startsWith(root) && !p.equals(root); p = p.getParent()) {
      if (!knownDirs.add(p)) {
        return;
      }
    }
  }
}
