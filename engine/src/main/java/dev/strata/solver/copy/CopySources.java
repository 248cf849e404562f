package dev.strata.solver.copy;

import dev.strata.frontend.ignore.DockerIgnore;
import dev.strata.frontend.ignore.GoMatch;
import dev.strata.layer.LayerException;
import dev.strata.layer.RootReader;
import dev.strata.posix.FileStat;
import dev.strata.solver.BuildException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The files a COPY or ADD selects: source patterns resolved in a root (the build context, or
 * another stage's rootfs), with Go's filepath.Match globs per path segment and the context's
 * .dockerignore applied, as Docker does. Also the content hash that goes into the cache key.
 *
 * <p>{@code --exclude=PATTERN} (BuildKit 1.7 labs) takes .dockerignore's pattern language (globs,
 * {@code **}, {@code !} exceptions, a match on a directory covers what is under it) and matches it
 * against the path each entry gets below the destination: inside a directory source that is the
 * path relative to the source (as BuildKit's fsutil copier matches it), a file source is matched by
 * its name (the documented {@code COPY --exclude=*.txt hom* /mydir/}, which BuildKit itself does
 * not yet honour, moby/buildkit#5489), and with {@code --parents} it is the kept path. Excluded
 * entries are neither copied nor hashed.
 *
 * <p>{@code --parents} (BuildKit 1.7 labs): each match keeps its path relative to the root, or,
 * when the pattern holds {@code /./}, relative to that pivot ({@code COPY --parents ./x/./y/a.txt
 * /d/} gives {@code /d/y/a.txt}); see {@link Selected#keep}.
 *
 * <p>The root is a tree the build does not own, so every read goes through a {@link RootReader}:
 * each path component is resolved inside the root, symlinks as if the root were {@code /} (BuildKit
 * fsutil, continuity fs.RootPath). A symlink as a source's last component is followed too, inside
 * the root: dockerfile2llb asks for {@code CopyInfo.FollowSymlinks} on every COPY and ADD, and the
 * classic builder did the same with {@code FollowSymlinkInScope}; symlinks inside a directory
 * source are copied as links. .dockerignore is applied to the resolved path (a link to an ignored
 * file or through an ignored directory finds nothing, as the ignored file was never in the context
 * BuildKit receives) and {@code --exclude} to the resolved name of a file source as well as to the
 * name it gets. Sockets, FIFOs and devices are skipped with a warning naming them, never opened.
 * Not thread-safe; close it to release the reader's directory fds.
 */
public final class CopySources implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(CopySources.class.getName());

  /**
   * One selected source.
   *
   * @param path where it is: resolved inside the root, relative to it ("" for the root itself)
   * @param source the pattern's match as written, relative to the root (names it in messages and
   *     gives a file its name below a directory destination)
   * @param isDir whether it is a directory (its contents are copied, not itself)
   * @param keep with {@code --parents}, the path it gets below the destination ("" for the root or
   *     the pivot itself); null without
   */
  public record Selected(String path, String source, boolean isDir, String keep) {
    public Selected(String path, String source, boolean isDir) {
      this(path, source, isDir, null);
    }

    /** The name a file source gets below a directory destination: its own, as written. */
    String name() {
      return source.isEmpty() ? "" : source.substring(source.lastIndexOf('/') + 1);
    }
  }

  /**
   * One entry of a walked source.
   *
   * @param path resolved inside the root, relative to it
   * @param rel its path below the source ("" for a file source itself)
   */
  public record Entry(String path, String rel) {}

  private final Path root;
  private final DockerIgnore ignore;
  private final String where;
  private final DockerIgnore excludes;
  private final FileDigests digests;
  private RootReader reader; // opened on first use
  private final Set<String> warned = new HashSet<>();

  /** For a cache key only: the copy that follows warns of what it skips, once, not twice. */
  private final boolean quiet;

  /**
   * @param where "build context" or "stage builder", for messages
   */
  public CopySources(Path root, DockerIgnore ignore, String where) {
    this.root = root;
    this.ignore = ignore;
    this.where = where;
    this.excludes = DockerIgnore.none();
    this.digests = FileDigests.NONE;
    this.quiet = false;
  }

  /** The tree of {@code base} read another way. */
  private CopySources(CopySources base, DockerIgnore excludes, FileDigests digests, boolean quiet) {
    this.root = base.root;
    this.ignore = base.ignore;
    this.where = base.where;
    this.excludes = excludes;
    this.digests = digests;
    this.quiet = quiet;
  }

  /** These sources, taking file digests from {@code d} where the stat is unchanged. */
  public CopySources remembering(FileDigests d) {
    return new CopySources(this, excludes, d, quiet);
  }

  /** These sources read for a cache key: what they skip is not warned of (the copy warns). */
  public CopySources forKey() {
    return new CopySources(this, excludes, digests, true);
  }

  /** These sources with {@code --exclude} patterns (compiled by the frontend's CopyConverter). */
  public CopySources excluding(DockerIgnore excludes) {
    if (excludes.patterns().isEmpty()) {
      return this;
    }
    return new CopySources(this, excludes, digests, quiet);
  }

  DockerIgnore ignore() {
    return ignore;
  }

  DockerIgnore excludes() {
    return excludes;
  }

  Path root() {
    return root;
  }

  /** The reader every access to the root goes through (valid until {@link #close}). */
  RootReader reader() throws IOException {
    if (reader == null) {
      // an ignored entry is absent wherever a link leads; an ignored directory with exceptions
      // (!dir/keep) is still entered, its entries checked one by one (walkDir)
      reader =
          new RootReader(
              root, (p, dir) -> ignore.isExcluded(p) && (!dir || ignore.canSkipDirectory(p)));
    }
    return reader;
  }

  /**
   * {@code written} (relative to the root) resolved inside it, the last link followed; null if
   * absent.
   */
  String resolve(String written) throws IOException {
    try {
      return reader().find(written, true);
    } catch (LayerException e) {
      throw new BuildException(e.getMessage() + " in the " + where);
    }
  }

  @Override
  public void close() {
    if (reader != null) {
      reader.close();
      reader = null;
    }
  }

  /** Resolves every source pattern; a pattern that selects nothing is an error naming it. */
  public List<Selected> select(List<String> patterns) throws IOException {
    return select(patterns, false);
  }

  /**
   * Resolves every source pattern, with {@code --parents} when {@code parents}; a path that selects
   * nothing is an error naming it, a wildcard that matches nothing is skipped (BuildKit). A match
   * the excludes remove is left out silently; a socket, FIFO or device with a warning.
   */
  public List<Selected> select(List<String> patterns, boolean parents) throws IOException {
    List<Selected> out = new ArrayList<>();
    for (String p : patterns) {
      List<String> comps;
      int pivot = 0; // leading components not kept below dest (--parents)
      int cut = parents ? p.indexOf("/./") : -1;
      if (cut >= 0) {
        // BuildKit: strings.Cut(src, "/./"), the part after the first pivot is kept
        comps = new ArrayList<>(SourcePatterns.clean(p.substring(0, cut), where));
        pivot = comps.size();
        comps.addAll(SourcePatterns.clean(p.substring(cut + 3), where));
      } else {
        comps = SourcePatterns.clean(p, where);
      }
      List<String[]> matches = new ArrayList<>(); // {as written, resolved}
      SourcePatterns.expand(this, comps, 0, "", matches);
      if (matches.isEmpty()) {
        if (GoMatch.hasWildcard(p)) { // BuildKit's AllowEmptyWildcard: the other sources are copied
          if (!quiet) {
            LOG.warning("\"" + p + "\" matches nothing in the " + where + ": nothing copied");
          }
          continue;
        }
        throw new BuildException("\"" + p + "\": not found in the " + where);
      }
      for (String[] m : matches) {
        FileStat st = reader().lstat(m[1]);
        if (st == null || !copyable(m[1], st)) {
          continue;
        }
        boolean dir = st.isDirectory();
        String keep = null;
        if (parents) {
          String[] segs = m[0].isEmpty() ? new String[0] : m[0].split("/");
          keep = String.join("/", Arrays.asList(segs).subList(pivot, segs.length));
        }
        Selected s = new Selected(m[1], m[0], dir, keep);
        // the path the entry itself gets below dest, if it gets one (a directory source's
        // contents go to dest, so only its children are matched then); a file source is also
        // matched by the name it resolved to
        String below = keep != null ? keep : dir ? "" : s.name();
        String resolvedName = m[1].substring(m[1].lastIndexOf('/') + 1);
        if (!below.isEmpty()
            && excludes.isExcluded(below)
            && (!dir || excludes.canSkipDirectory(below))) {
          continue;
        }
        if (!dir && keep == null && excludes.isExcluded(resolvedName)) {
          continue;
        }
        out.add(s);
      }
    }
    return out;
  }

  /** Files, directories and symlinks are; a socket, FIFO or device is skipped with a warning. */
  boolean copyable(String path, FileStat st) {
    if (st.isRegularFile() || st.isDirectory() || st.isSymlink()) {
      return true;
    }
    String what =
        switch (st.type()) {
          case FileStat.S_IFIFO -> "a FIFO";
          case FileStat.S_IFSOCK -> "a socket";
          default -> "a device";
        };
    if (!quiet && warned.add(path)) {
      LOG.warning(
          "skipped "
              + (path.isEmpty() ? "." : path)
              + " in the "
              + where
              + ": "
              + what
              + " is not copied (COPY and ADD take files, directories and symlinks)");
    }
    return false;
  }

  /** Whether ignored {@code dir} is a directory a !pattern re-includes something in. */
  boolean reincludes(String dir) throws IOException {
    FileStat st = reader().lstat(dir);
    return st != null
        && st.isDirectory()
        && !ignore.canSkipDirectory(dir)
        && !walk(new Selected(dir, dir, true)).isEmpty();
  }

  /**
   * Walks a selected source: every entry under it that .dockerignore and the excludes keep, sorted.
   * A file source yields itself with relative path "". Symlinks are entries, never followed;
   * sockets, FIFOs and devices are skipped with a warning.
   */
  List<Entry> walk(Selected s) throws IOException {
    return SourceWalk.walk(this, s);
  }

  /**
   * The content hash of what {@code selected} would copy: for every file its path, type, mode,
   * size, content digest and link target, and owners when they are kept (COPY --from). It reads
   * exactly what the copy reads: the same resolution, through the same reader.
   */
  public String contentHash(List<Selected> selected, boolean withOwners) throws IOException {
    return new ContentHash(this, digests).of(selected, withOwners);
  }
}
