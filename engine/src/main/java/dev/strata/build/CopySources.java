package dev.strata.build;

import dev.strata.frontend.ignore.DockerIgnore;
import dev.strata.frontend.ignore.GoMatch;
import dev.strata.frontend.ignore.IgnorePatternException;
import dev.strata.layer.FileNames;
import dev.strata.oci.Digest;
import dev.strata.posix.FileStat;
import dev.strata.posix.Posix;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The files a COPY or ADD selects: source patterns resolved in a root (the build context, or
 * another stage's rootfs), with Go's filepath.Match globs per path segment and the context's
 * .dockerignore applied, as Docker does. Also the content hash that goes into the cache key.
 *
 * <p>{@code --exclude=PATTERN} (BuildKit 1.7 labs) takes .dockerignore's pattern language
 * (globs, {@code **}, {@code !} exceptions, a match on a directory covers what is under it) and
 * matches it against the path each entry gets below the destination: inside a directory source
 * that is the path relative to the source (as BuildKit's fsutil copier matches it), a file source
 * is matched by its name (the documented {@code COPY --exclude=*.txt hom* /mydir/}, which
 * BuildKit itself does not yet honour, moby/buildkit#5489), and with {@code --parents} it is the
 * kept path. Excluded entries are neither copied nor hashed.
 *
 * <p>{@code --parents} (BuildKit 1.7 labs): each match keeps its path relative to the root, or,
 * when the pattern holds {@code /./}, relative to that pivot ({@code COPY --parents
 * ./x/./y/a.txt /d/} gives {@code /d/y/a.txt}); see {@link Selected#keep}.
 */
final class CopySources {
  /**
   * One selected source.
   *
   * @param host where it is
   * @param source the pattern's match, relative to the root (for messages)
   * @param isDir whether it is a directory (its contents are copied, not itself)
   * @param keep with {@code --parents}, the path it gets below the destination ("" for the
   *     root or the pivot itself); null without
   */
  record Selected(Path host, String source, boolean isDir, String keep) {
    Selected(Path host, String source, boolean isDir) {
      this(host, source, isDir, null);
    }
  }

  private final Path root;
  private final DockerIgnore ignore;
  private final String where;
  private final DockerIgnore excludes;
  private final FileDigests digests;

  /** @param where "build context" or "stage builder", for messages */
  CopySources(Path root, DockerIgnore ignore, String where) {
    this(root, ignore, where, DockerIgnore.none(), FileDigests.NONE);
  }

  private CopySources(Path root, DockerIgnore ignore, String where, DockerIgnore excludes, FileDigests digests) {
    this.root = root;
    this.ignore = ignore;
    this.where = where;
    this.excludes = excludes;
    this.digests = digests;
  }

  /** These sources, taking file digests from {@code d} where the stat is unchanged. */
  CopySources remembering(FileDigests d) {
    return new CopySources(root, ignore, where, excludes, d);
  }

  /** These sources with {@code --exclude} patterns; a malformed pattern is an error naming it. */
  CopySources excluding(List<String> patterns) {
    if (patterns.isEmpty()) {
      return this;
    }
    try {
      return new CopySources(root, ignore, where, DockerIgnore.of(cleanPatterns(patterns)), digests);
    } catch (IgnorePatternException e) {
      throw new BuildException("--exclude=" + String.join(",", patterns) + ": " + e.getMessage());
    }
  }

  /** As .dockerignore lines are cleaned: a leading "/" or "./" does not change the meaning. */
  private static List<String> cleanPatterns(List<String> patterns) {
    List<String> out = new ArrayList<>();
    for (String p : patterns) {
      boolean invert = p.startsWith("!");
      String body = invert ? p.substring(1) : p;
      while (body.startsWith("./")) {
        body = body.substring(2);
      }
      if (body.length() > 1 && body.startsWith("/")) {
        body = body.substring(1);
      }
      out.add(invert ? "!" + body : body);
    }
    return out;
  }

  Path root() {
    return root;
  }

  /** Resolves every source pattern; a pattern that selects nothing is an error naming it. */
  List<Selected> select(List<String> patterns) throws IOException {
    return select(patterns, false);
  }

  /**
   * Resolves every source pattern, with {@code --parents} when {@code parents}; a pattern that
   * selects nothing is an error naming it. A match the excludes remove is left out silently.
   */
  List<Selected> select(List<String> patterns, boolean parents) throws IOException {
    List<Selected> out = new ArrayList<>();
    for (String p : patterns) {
      List<String> comps;
      int pivot = 0; // leading components not kept below dest (--parents)
      int cut = parents ? p.indexOf("/./") : -1;
      if (cut >= 0) {
        // BuildKit: strings.Cut(src, "/./"), the part after the first pivot is kept
        comps = new ArrayList<>(clean(p.substring(0, cut)));
        pivot = comps.size();
        for (String c : clean(p.substring(cut + 3))) {
          comps.add(c);
        }
      } else {
        comps = clean(p);
      }
      List<String> matches = new ArrayList<>();
      expand(comps, 0, "", matches);
      if (matches.isEmpty()) {
        boolean glob = p.chars().anyMatch(c -> c == '*' || c == '?' || c == '[');
        throw new BuildException(
            glob
                ? "no source files were specified: \"" + p + "\" matches nothing in the " + where
                : "\"" + p + "\": not found in the " + where);
      }
      for (String m : matches) {
        Path host = m.isEmpty() ? root : root.resolve(m);
        boolean dir = Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS);
        String keep = null;
        if (parents) {
          String[] segs = m.isEmpty() ? new String[0] : m.split("/");
          keep = String.join("/", java.util.Arrays.asList(segs).subList(pivot, segs.length));
        }
        // the path the entry itself gets below dest, if it gets one (a directory source's
        // contents go to dest, so only its children are matched then)
        String below = keep != null ? keep : dir ? "" : host.getFileName().toString();
        if (!below.isEmpty() && excludes.isExcluded(below) && (!dir || excludes.canSkipDirectory(below))) {
          continue;
        }
        out.add(new Selected(host, m, dir, keep));
      }
    }
    return out;
  }

  private List<String> clean(String pattern) {
    List<String> out = new ArrayList<>();
    for (String c : pattern.split("/")) {
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        if (out.isEmpty()) {
          throw new BuildException("\"" + pattern + "\": forbidden path outside the " + where);
        }
        out.remove(out.size() - 1);
        continue;
      }
      out.add(c);
    }
    return out;
  }

  private void expand(List<String> comps, int i, String prefix, List<String> out) throws IOException {
    if (i == comps.size()) {
      if (prefix.isEmpty() || !ignore.isExcluded(prefix)) {
        out.add(prefix);
      }
      return;
    }
    String c = comps.get(i);
    Path dir = prefix.isEmpty() ? root : root.resolve(prefix);
    boolean glob = c.chars().anyMatch(ch -> ch == '*' || ch == '?' || ch == '[' || ch == '\\');
    if (!glob) {
      Path next = dir.resolve(c);
      if (Files.exists(next, LinkOption.NOFOLLOW_LINKS)) {
        expand(comps, i + 1, prefix.isEmpty() ? c : prefix + "/" + c, out);
      }
      return;
    }
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        names.add(FileNames.nameOf(p, prefix));
      }
    }
    names.sort(null);
    for (String n : names) {
      if (GoMatch.matchSegment(c, n)) {
        expand(comps, i + 1, prefix.isEmpty() ? n : prefix + "/" + n, out);
      }
    }
  }

  /**
   * Walks a selected source: every file under it that .dockerignore and the excludes keep,
   * sorted, as (host path, path relative to the source). A file source yields itself with
   * relative path "".
   */
  List<String[]> walk(Selected s) throws IOException {
    List<String[]> out = new ArrayList<>();
    if (!s.isDir()) {
      out.add(new String[] {s.host().toString(), ""});
      return out;
    }
    walkDir(s.host(), s.source(), s.keep() == null ? "" : s.keep(), "", out);
    return out;
  }

  private void walkDir(Path dir, String fromRoot, String below, String rel, List<String[]> out)
      throws IOException {
    List<Path> children = new ArrayList<>();
    try (Stream<Path> st = Files.list(dir)) {
      st.forEach(children::add);
    }
    children.sort(null);
    for (Path c : children) {
      String name = FileNames.nameOf(c, fromRoot.isEmpty() ? rel : rel.isEmpty() ? fromRoot : fromRoot + "/" + rel);
      String r = rel.isEmpty() ? name : rel + "/" + name;
      String fr = fromRoot.isEmpty() ? r : fromRoot + "/" + r;
      String br = below.isEmpty() ? r : below + "/" + r;
      boolean isDir = Files.isDirectory(c, LinkOption.NOFOLLOW_LINKS);
      boolean ignored = ignore.isExcluded(fr);
      boolean excluded = excludes.isExcluded(br);
      if (ignored || excluded) {
        boolean skipAll =
            (ignored && ignore.canSkipDirectory(fr)) || (excluded && excludes.canSkipDirectory(br));
        if (isDir && !skipAll) {
          walkDir(c, fromRoot, below, r, out); // an exception (!pattern) may keep something inside
        }
        continue;
      }
      out.add(new String[] {c.toString(), r});
      if (isDir) {
        walkDir(c, fromRoot, below, r, out);
      }
    }
  }

  /**
   * The content hash of what {@code selected} would copy: for every file its path, type, mode,
   * size, content digest and link target, and owners when they are kept (COPY --from).
   */
  String contentHash(List<Selected> selected, boolean withOwners) throws IOException {
    // First every line but the file digests, then the digests: known ones from their stats in
    // one batch, the rest read and remembered.
    List<StringBuilder> lines = new ArrayList<>();
    List<Integer> regular = new ArrayList<>();
    List<Path> regularPaths = new ArrayList<>();
    List<String> statKeys = new ArrayList<>();
    for (Selected s : selected) {
      String keep = s.keep() == null ? "" : " keep " + s.keep();
      lines.add(new StringBuilder("source " + s.source() + keep));
      for (String[] f : walk(s)) {
        Path p = Path.of(f[0]);
        StringBuilder line = new StringBuilder();
        // the JDK's own lstat: the cache-only path of a build then never loads jnr-ffi (its
        // stub generation is a tenth of a second of every no-change rebuild)
        Map<String, Object> a =
            Files.readAttributes(p, StatKeys.ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        long size = (Long) a.get("size");
        line.append(f[1]).append(' ').append(Integer.toOctalString(mode));
        if (withOwners) {
          int[] owner = dev.strata.layer.Ownership.of(p, Posix.lstat(p));
          line.append(' ').append(owner[0]).append(':').append(owner[1]);
        }
        int type = mode & FileStat.S_IFMT;
        if (type == FileStat.S_IFREG) {
          line.append(' ').append(size).append(' ');
          regular.add(lines.size());
          regularPaths.add(p);
          statKeys.add(StatKeys.of(p, a));
        } else if (type == FileStat.S_IFLNK) {
          line.append(" -> ").append(Files.readSymbolicLink(p));
        }
        lines.add(line);
      }
    }
    Map<String, String> known = statKeys.isEmpty() ? Map.of() : digests.known(statKeys);
    Map<String, String> learnt = new java.util.HashMap<>();
    long racy = System.currentTimeMillis() - RACY_MILLIS;
    for (int i = 0; i < regular.size(); i++) {
      String key = statKeys.get(i);
      String d = known.get(key);
      if (d == null) {
        d = fileDigest(regularPaths.get(i));
        if (StatKeys.ctimeMillis(key) < racy) {
          learnt.put(key, d);
        }
      }
      lines.get(regular.get(i)).append(d);
    }
    if (!learnt.isEmpty()) {
      digests.remember(learnt);
    }
    MessageDigest all = Digest.newSha256();
    for (StringBuilder line : lines) {
      all.update((line + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return Digest.fromSha256(all.digest()).toString();
  }

  /**
   * A file changed within this long of being read may change again within its timestamps'
   * granularity unseen (git's "racily clean" entries): it is read, not remembered.
   */
  private static final long RACY_MILLIS = 2000;

  private static String fileDigest(Path p) throws IOException {
    MessageDigest md = Digest.newSha256();
    try (InputStream in = new DigestInputStream(Files.newInputStream(p), md)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return Digest.fromSha256(md.digest()).hex();
  }
}
