package dev.strata.layer;

import dev.strata.layer.tar.TarEntry;
import dev.strata.layer.tar.TarReader;
import dev.strata.posix.Errno;
import dev.strata.posix.FileNames;
import dev.strata.posix.FileStat;
import dev.strata.posix.Posix;
import dev.strata.posix.PosixException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/** The state of one unpack: what it made, and how each entry lands in the root. */
final class UnpackRun implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Unpacker.class.getName());
  private static final String WH_PREFIX = ".wh.";
  private static final String WH_OPAQUE = ".wh..wh..opq";

  private final Unpacker.Options options;
  private final DeviceNodes devices;
  private final EntryMeta meta;
  final Path root;
  final RootResolver resolver;
  final ScopedRoot scoped;
  final Set<Path> createdHere = new HashSet<>();
  final Set<Path> preexisting = new HashSet<>(); // dirs a lower layer made: may carry a record
  final List<Object[]> dirs = new ArrayList<>(); // {Path, TarEntry}, fixed up at the end
  final List<String> warnings = new ArrayList<>();
  String current = "(start of archive)";

  UnpackRun(Path root, Unpacker.Options options) throws IOException {
    this.options = options;
    this.devices = new DeviceNodes(options.devices(), warnings);
    this.meta = new EntryMeta(this::warn);
    this.root = root;
    this.resolver = new RootResolver(root);
    this.scoped = new ScopedRoot(root);
  }

  @Override
  public void close() {
    scoped.close();
  }

  /** Host paths (keys of the sets above) are never written; this is how they are reached. */
  Path at(Path host) throws IOException {
    return scoped.at(host);
  }

  /** lstat through the pinned parent; null when it, or its parent, is not there. */
  FileStat statAt(Path host) throws IOException {
    try {
      return Posix.lstatOrNull(at(host));
    } catch (PosixException x) {
      if (x.errno() == Errno.ENOENT || x.errno() == Errno.ENOTDIR) {
        return null;
      }
      throw x;
    }
  }

  void remove(Path host) throws IOException {
    resolver.forget();
    scoped.removeAll(host);
  }

  void warn(String msg) {
    warnings.add(msg);
    LOG.warning(msg);
  }

  void apply(TarEntry e, TarReader reader) throws IOException {
    List<String> comps = RootResolver.clean(e.name());
    if (comps.isEmpty()) {
      if (options.skipRootEntries()) {
        return; // its data, if any, is skipped by the reader
      }
      if (e.isDirectory()) {
        dirs.add(new Object[] {root, e}); // "./": the root's own metadata
        preexisting.add(root);
        return;
      }
      throw new LayerException(e.name(), "names the root but is not a directory");
    }
    String base = comps.get(comps.size() - 1);
    if (base.startsWith(WH_PREFIX)) {
      whiteout(e, comps, base);
      return;
    }
    Path target = resolver.resolve(e.name(), comps);
    resolver.mkdirs(e.name(), target.getParent(), scoped);
    if (e.type() == TarEntry.FILE) {
      // The common case, a new file: created and finished through its own fd, no lookups.
      int fd = scoped.create(target, 0600);
      if (fd >= 0) {
        meta.writeFile(fd, target, e, reader);
        createdHere.add(target);
        return;
      }
    }
    FileStat existing = statAt(target);
    if (existing != null) {
      if (e.isDirectory() && existing.isDirectory()) {
        dirs.add(new Object[] {target, e});
        createdHere.add(target);
        preexisting.add(target);
        return;
      }
      if (e.type() == TarEntry.HARDLINK) {
        Path linkTarget = hardlinkTarget(e);
        if (linkTarget.equals(target)) {
          return; // a link to itself: nothing to do
        }
      }
      remove(target);
    }
    Path at = at(target);
    switch (e.type()) {
      case TarEntry.DIR -> {
        Files.createDirectory(at);
        dirs.add(new Object[] {target, e});
      }
      case TarEntry.FILE -> {
        int fd = scoped.create(target, 0600);
        if (fd < 0) {
          throw new LayerException(e.name(), "something appeared where it was just removed");
        }
        meta.writeFile(fd, target, e, reader);
      }
      case TarEntry.SYMLINK -> {
        Files.createSymbolicLink(at, FileNames.path(e.linkName()));
        meta.finish(at, e, !preexisting.contains(target));
      }
      case TarEntry.HARDLINK -> {
        Path linkTarget = at(hardlinkTarget(e));
        Files.createLink(at, linkTarget); // link(2) does not follow a symlink target
      }
      case TarEntry.FIFO -> {
        Posix.mkfifo(at, 0600);
        meta.finish(at, e, !preexisting.contains(target));
      }
      case TarEntry.CHAR, TarEntry.BLOCK -> {
        if (!devices.make(at, e)) {
          return;
        }
        meta.finish(at, e, !preexisting.contains(target));
      }
      default -> throw new LayerException(e.name(), "unsupported type " + e.type());
    }
    createdHere.add(target);
  }

  /** Hard link targets are archive names, resolved in the root; they must exist. */
  Path hardlinkTarget(TarEntry e) throws IOException {
    List<String> comps;
    try {
      comps = RootResolver.clean(e.linkName());
    } catch (LayerException x) {
      throw new LayerException(
          e.name(), "hard link target \"" + e.linkName() + "\" climbs above the root");
    }
    if (comps.isEmpty()) {
      throw new LayerException(e.name(), "hard link to the root");
    }
    Path t = resolver.resolve(e.name(), comps);
    FileStat st = statAt(t);
    if (st == null) {
      throw new LayerException(
          e.name(),
          "hard link target \"" + e.linkName() + "\" does not exist in the layer or below it");
    }
    if (st.isDirectory()) {
      throw new LayerException(e.name(), "hard link to directory \"" + e.linkName() + "\"");
    }
    return t;
  }

  void whiteout(TarEntry e, List<String> comps, String base) throws IOException {
    List<String> dirComps = comps.subList(0, comps.size() - 1);
    Path dir = resolver.resolveAll(e.name(), dirComps);
    if (base.equals(WH_OPAQUE)) {
      if (options.whiteouts() == Unpacker.Whiteouts.OVERLAY) {
        resolver.mkdirs(e.name(), dir, scoped);
        Posix.lsetxattr(
            scoped.dir(dir), options.opaqueXattr(), "y".getBytes(StandardCharsets.US_ASCII));
        return;
      }
      // image-spec layer.md: an opaque whiteout hides the lower layers' children only.
      FileStat st = dir.equals(root) ? Posix.lstat(at(root)) : statAt(dir);
      if (st != null && st.isDirectory()) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(scoped.dir(dir))) {
          ds.forEach(c -> names.add(FileNames.name(c)));
        }
        for (String n : names) {
          Path child = FileNames.resolve(dir, n);
          if (!createdHere.contains(child)) {
            remove(child);
          }
        }
      }
      return;
    }
    String hidden = base.substring(WH_PREFIX.length());
    if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
      throw new LayerException(e.name(), "malformed whiteout");
    }
    Path victim = FileNames.resolve(dir, hidden);
    if (options.whiteouts() == Unpacker.Whiteouts.OVERLAY) {
      resolver.mkdirs(e.name(), dir, scoped);
      if (statAt(victim) != null) {
        remove(victim);
      }
      Posix.mkWhiteout(at(victim));
      return;
    }
    if (!createdHere.contains(victim) && statAt(victim) != null) {
      remove(victim);
    }
  }

  /** Directories last, deepest first: children change a dir's mtime and need it writable. */
  void finishDirectories() throws IOException {
    for (int i = dirs.size() - 1; i >= 0; i--) {
      Path p = (Path) dirs.get(i)[0];
      TarEntry e = (TarEntry) dirs.get(i)[1];
      current = e.name();
      FileStat st = p.equals(root) ? Posix.lstat(at(root)) : statAt(p);
      if (st != null && st.isDirectory()) { // a later entry may have removed or replaced it
        meta.finish(scoped.dir(p), e, !preexisting.contains(p));
      }
    }
  }

  void logSkippedDevices() {
    devices.log();
  }
}
