package dev.strata.solver.copy;

import dev.strata.layer.Ownership;
import dev.strata.layer.RootReader;
import dev.strata.layer.RootResolver;
import dev.strata.posix.FileNames;
import dev.strata.posix.FileStat;
import dev.strata.posix.Posix;
import dev.strata.posix.PosixException;
import dev.strata.solver.BuildException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
   * How copied files are owned and moded.
   *
   * @param uid owner to set, or null to keep (COPY --from) / use 0 (context)
   * @param gid group to set, or null
   * @param chmod permission bits to set, or null
   * @param keepOwners keep the source's owners (COPY --from without --chown)
   */
  public record Attrs(Integer uid, Integer gid, Integer chmod, boolean keepOwners) {}

  private final Path rootfs;
  private final RootResolver resolver;
  private final Consumer<String> warn;

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
      String base;
      if (s.keep() != null) {
        base = s.keep().isEmpty() ? dest : join(dest, s.keep());
        makeParents(sources, s, dest, attrs);
      } else if (s.isDir()) {
        base = dest;
      } else if (destIsDir) {
        base = join(dest, s.name());
      } else {
        base = dest;
      }
      List<Path> dirs = new ArrayList<>();
      for (CopySources.Entry f : sources.walk(s)) {
        String target = f.rel().isEmpty() ? base : join(base, f.rel());
        copyOne(sources, f.path(), target, attrs, dirs);
      }
      if (s.isDir()) {
        // the destination directory itself
        Path d = ensureDir(base, attrs);
        dirs.add(0, d);
        setDirMeta(sources, s.path(), d, attrs);
      }
      for (int i = dirs.size() - 1; i >= 0; i--) {
        setTimes(dirs.get(i), null);
      }
    }
  }

  /**
   * Refuses several source files onto {@code d} (absolute in the container; {@code dest} as
   * written) when it is not a directory and does not end in /.
   */
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
  private void makeParents(CopySources sources, CopySources.Selected s, String dest, Attrs attrs)
      throws IOException {
    ensureDir(dest, attrs);
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
          copyOne(sources, parent, target, attrs, new ArrayList<>());
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

  private Path ensureDir(String containerPath, Attrs attrs) throws IOException {
    List<String> comps = RootResolver.clean(containerPath);
    Path p = resolver.resolveAll(containerPath, comps);
    if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      mkdirsOwned(containerPath, p, attrs);
    }
    return p;
  }

  /** Makes missing directories 0755, owned by --chown's user when given, else root. */
  private void mkdirsOwned(String name, Path dir, Attrs attrs) throws IOException {
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
    }
  }

  /**
   * Copies the entry {@code src} (resolved in the sources' root) to {@code target}, read through
   * the reader.
   */
  private void copyOne(CopySources sources, String src, String target, Attrs attrs, List<Path> dirs)
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
      mkdirsOwned(target, dst.getParent(), attrs);
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
      dirs.add(dst);
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
    } else if (st.isRegularFile()) {
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
      copyXattrs(reader, src, dst); // after the chown, which would clear security.capability
    }
    setTimes(dst, st);
  }

  /** A file's xattrs, as the JDK's copy with COPY_ATTRIBUTES kept them; never our bookkeeping. */
  private void copyXattrs(RootReader reader, String src, Path dst) throws IOException {
    for (String x : Posix.llistxattr(reader.at(src))) {
      if (Ownership.isInternalXattr(x)) {
        continue;
      }
      byte[] v = Posix.lgetxattr(reader.at(src), x);
      if (v != null) {
        try {
          Posix.lsetxattr(dst, x, v);
        } catch (PosixException e) {
          warn.accept("xattr " + x + " of " + src + " not copied: " + e.getMessage());
        }
      }
    }
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

  /** The source's mtime (files), or the directory's own after its children were written. */
  private void setTimes(Path dst, FileStat srcStat) throws IOException {
    if (srcStat != null) {
      Posix.lutimes(dst, srcStat.mtimeSec(), srcStat.mtimeNsec());
    }
  }
}
