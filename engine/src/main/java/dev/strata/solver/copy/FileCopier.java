package dev.strata.solver.copy;

import dev.strata.layer.Ownership;
import dev.strata.layer.RootReader;
import dev.strata.layer.RootResolver;
import dev.strata.posix.FileNames;
import dev.strata.posix.FileStat;
import dev.strata.posix.Posix;
import dev.strata.solver.BuildException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Copies selected sources into a stage rootfs as COPY does: a directory source copies its contents,
 * a file goes to {@code dest} or, when dest is a directory, under it; missing parents are made
 * 0755. Every destination path is resolved inside the rootfs (a symlink in the image cannot lead a
 * write outside). Modes and mtimes are kept; owners are 0:0 from the context, kept from another
 * stage, or {@code --chown}'s.
 *
 * <p>With {@code --parents} a source goes to {@code dest/keep} and the directories between take the
 * mode and owner of their counterparts in the source, as BuildKit's copier creates them (fsutil
 * createParentDirs); {@code dest} is then always a directory. For {@code --link} the rootfs given
 * is an empty tree, so nothing of the lower layers (a symlink, an existing directory) bends the
 * destination, as BuildKit's MergeOp copy.
 */
public final class FileCopier {
  /**
   * How copied files are owned and moded: {@code uid}/{@code gid} to set, or null to keep (COPY
   * --from) / use 0 (context); {@code chmod} bits or null; {@code keepOwners}: COPY --from's.
   */
  public record Attrs(Integer uid, Integer gid, Integer chmod, boolean keepOwners) {}

  private final Path rootfs;
  private final RootResolver resolver;
  private final Consumer<String> warn;

  /**
   * The directories this copy copied or made, with the source entry whose time each takes once
   * every entry is written (writing into a directory sets its mtime to the clock): a copied
   * directory its source's (BuildKit's copyFileInfo after the children), a made one the source
   * copied into it, so the same sources give the same layer at any time (issue 18 row B).
   */
  private final Map<Path, FileStat> stamps = new LinkedHashMap<>();

  /** A source's files of more than one name, by inode: the first copy, later ones link to it. */
  private final Map<String, Path> links = new HashMap<>();

  public FileCopier(Path rootfs, Consumer<String> warn) {
    this.rootfs = rootfs;
    this.resolver = new RootResolver(rootfs);
    this.warn = warn;
  }

  /** Copies; {@code dest} is absolute in the container (WORKDIR already applied). */
  public void copy(
      CopySources sources, List<CopySources.Selected> selected, String dest, Attrs attrs)
      throws IOException {
    copy(sources, selected, dest, attrs, selected.size());
  }

  /**
   * Copies, as one part of an instruction that names {@code sourceCount} sources in all (ADD of
   * URLs beside local files): more than one makes {@code dest} a directory, as Docker rules.
   */
  public void copy(
      CopySources sources,
      List<CopySources.Selected> selected,
      String dest,
      Attrs attrs,
      int sourceCount)
      throws IOException {
    boolean destIsDir =
        dest.endsWith("/")
            || sourceCount > 1
            || Files.isDirectory(resolve(dest), LinkOption.NOFOLLOW_LINKS);
    for (CopySources.Selected s : selected) {
      FileStat top = sources.reader().lstat(s.path());
      links.clear(); // hard links are kept within a source, as fsutil's copier (one per source)
      String base;
      if (s.keep() != null) {
        base = s.keep().isEmpty() ? dest : join(dest, s.keep());
        makeParents(sources, s, dest, attrs, top);
      } else if (s.isDir()) {
        base = dest;
      } else if (destIsDir) {
        base = join(dest, s.name());
      } else {
        base = dest;
      }
      boolean existed = s.isDir() && Files.isDirectory(resolve(base), LinkOption.NOFOLLOW_LINKS);
      for (CopySources.Entry f : sources.walk(s)) {
        String target = f.rel().isEmpty() ? base : join(base, f.rel());
        copyOne(sources, f.path(), target, attrs);
      }
      // The directory a directory's contents go into: one that exists is left as it was (row E:
      // fsutil copies no metadata onto a top-level target it did not make); one the copy makes
      // is 0755, owned by --chown's user or root (fsutil's MkdirAll). With --parents it is a
      // copied directory below dest, and takes the source directory's mode and owner.
      if (s.isDir() && (!existed || s.keep() != null)) {
        Path d = ensureDir(base, attrs, top);
        stamps.put(d, top);
        if (s.keep() != null) {
          setDirMeta(sources, s.path(), d, attrs);
        }
      }
    }
    for (Map.Entry<Path, FileStat> d : stamps.entrySet()) {
      Posix.lutimes(d.getKey(), d.getValue().mtimeSec(), d.getValue().mtimeNsec());
    }
  }

  /** Refuses several files onto {@code d} (as written: {@code dest}) if it is no directory. */
  void refuseSeveralOntoFile(long files, String d, String dest) throws IOException {
    if (files > 1
        && !d.endsWith("/")
        && !Files.isDirectory(resolve(d), LinkOption.NOFOLLOW_LINKS)) {
      throw new BuildException( // Docker's classic rule
          files
              + " source files for \""
              + dest
              + "\", which is not a directory: end it with /"
              + " to copy them into one (BuildKit keeps only the last file, moby/buildkit#4550)");
    }
  }

  /** --parents: dest, then each directory between dest and the kept path, from the source's. */
  private void makeParents(
      CopySources sources, CopySources.Selected s, String dest, Attrs attrs, FileStat top)
      throws IOException {
    ensureDir(dest, attrs, top);
    if (s.keep().isEmpty()) {
      return;
    }
    String[] keep = s.keep().split("/");
    String[] written = s.source().split("/"); // keep is its tail
    String target = dest;
    for (int i = 0; i < keep.length - 1; i++) {
      target = join(target, keep[i]);
      if (!Files.isDirectory(resolve(target), LinkOption.NOFOLLOW_LINKS)) {
        // the source's counterpart, resolved inside its root as the source itself was
        int upTo = written.length - (keep.length - 1 - i);
        String parent = sources.resolve(String.join("/", Arrays.asList(written).subList(0, upTo)));
        if (parent != null) {
          copyOne(sources, parent, target, attrs);
        }
      }
    }
  }

  private static String join(String a, String b) {
    return a.endsWith("/") ? a + b : a + "/" + b;
  }

  private Path resolve(String containerPath) throws IOException {
    return resolver.resolveAll(containerPath, RootResolver.clean(containerPath));
  }

  private Path ensureDir(String containerPath, Attrs attrs, FileStat from) throws IOException {
    List<String> comps = RootResolver.clean(containerPath);
    Path p = resolver.resolveAll(containerPath, comps);
    if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      mkdirsOwned(containerPath, p, attrs, from);
    }
    return p;
  }

  /**
   * Makes missing directories 0755, owned by --chown's user when given, else root, timed as the
   * source {@code from} whose copy needs them.
   */
  private void mkdirsOwned(String name, Path dir, Attrs attrs, FileStat from) throws IOException {
    List<Path> made = new ArrayList<>();
    for (Path p = dir; p != null && p.startsWith(rootfs) && !p.equals(rootfs); p = p.getParent()) {
      if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        break;
      }
      made.add(0, p);
    }
    resolver.mkdirs(name, dir);
    for (Path p : made) {
      Posix.chmod(p, 0755);
      int uid = attrs.uid() != null ? attrs.uid() : 0;
      int gid = attrs.gid() != null ? attrs.gid() : 0;
      Ownership.apply(p, Posix.lstat(p), uid, gid, false, warn);
      stamps.putIfAbsent(p, from);
    }
  }

  /**
   * Copies the entry {@code src} (resolved in the sources' root) to {@code target}, read through
   * the reader.
   */
  private void copyOne(CopySources sources, String src, String target, Attrs attrs)
      throws IOException {
    RootReader reader = sources.reader();
    FileStat st = reader.lstat(src);
    if (st == null) {
      throw new BuildException(
          "\"" + src + "\": removed from " + sources.root() + " while it was copied");
    }
    List<String> comps = RootResolver.clean(target);
    if (comps.isEmpty()) {
      return; // the root itself: its contents come as their own entries
    }
    Path dst = resolver.resolve(target, comps);
    if (!Files.isDirectory(dst.getParent(), LinkOption.NOFOLLOW_LINKS)) {
      mkdirsOwned(target, dst.getParent(), attrs, st);
    }
    boolean exists = Files.exists(dst, LinkOption.NOFOLLOW_LINKS);
    if (st.isDirectory()) {
      if (exists && !Files.isDirectory(dst, LinkOption.NOFOLLOW_LINKS)) {
        Files.delete(dst);
        exists = false;
      }
      if (!exists) {
        Files.createDirectory(dst);
      }
      setDirMeta(sources, src, dst, attrs);
      stamps.put(dst, st); // its source's time, set when its children are written
      return;
    }
    if (exists) {
      if (Files.isDirectory(dst, LinkOption.NOFOLLOW_LINKS)) {
        throw new BuildException("cannot copy " + src + " to " + target + ": a directory is there");
      }
      Files.delete(dst);
    }
    if (st.isSymlink()) {
      Files.createSymbolicLink(dst, FileNames.path(reader.readlink(src)));
    } else if (st.isRegularFile() && st.nlink() > 1 && links.containsKey(st.inodeKey())) {
      Files.createLink(dst, links.get(st.inodeKey())); // row M: one inode, as BuildKit keeps it
    } else if (st.isRegularFile()) {
      if (st.nlink() > 1) {
        links.put(st.inodeKey(), dst);
      }
      try (FileChannel in = reader.openFile(src);
          FileChannel out =
              FileChannel.open(
                  dst,
                  StandardOpenOption.CREATE_NEW,
                  StandardOpenOption.WRITE,
                  LinkOption.NOFOLLOW_LINKS)) {
        long size = in.size();
        for (long at = 0; at < size; ) {
          long n = in.transferTo(at, size - at, out);
          if (n <= 0) {
            break; // shrank meanwhile
          }
          at += n;
        }
      }
      Posix.chmod(dst, attrs.chmod() != null ? attrs.chmod() : st.permissions());
    } else {
      warn.accept("skipped " + src + ": COPY takes files, directories and symlinks only");
      return;
    }
    setOwner(reader, src, st, dst, attrs);
    if (st.isRegularFile()) {
      Xattrs.copy(reader, src, dst, warn); // after the chown, which clears security.capability
    }
    Posix.lutimes(dst, st.mtimeSec(), st.mtimeNsec());
  }

  private void setDirMeta(CopySources sources, String src, Path dst, Attrs attrs)
      throws IOException {
    FileStat st = sources.reader().lstat(src);
    Posix.chmod(dst, attrs.chmod() != null ? attrs.chmod() : st.permissions());
    setOwner(sources.reader(), src, st, dst, attrs);
  }

  private void setOwner(RootReader reader, String src, FileStat st, Path dst, Attrs attrs)
      throws IOException {
    int uid = 0;
    int gid = 0;
    if (attrs.keepOwners()) {
      int[] o = Ownership.of(reader.at(src), st);
      uid = o[0];
      gid = o[1];
    }
    if (attrs.uid() != null) {
      uid = attrs.uid();
      gid = attrs.gid() != null ? attrs.gid() : attrs.uid();
    }
    Ownership.apply(dst, Posix.lstat(dst), uid, gid, false, warn);
  }
}
