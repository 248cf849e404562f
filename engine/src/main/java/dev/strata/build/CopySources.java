package dev.strata.build;

import dev.strata.frontend.ignore.DockerIgnore;
import dev.strata.frontend.ignore.GoMatch;
import dev.strata.oci.Digest;
import dev.strata.posix.FileStat;
import dev.strata.posix.Posix;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files a COPY or ADD selects: source patterns resolved in a root (the build context, or
 * another stage's rootfs), with Go's filepath.Match globs per path segment and the context's
 * .dockerignore applied, as Docker does. Also the content hash that goes into the cache key.
 */
final class CopySources {
  /**
   * One selected source.
   *
   * @param host where it is
   * @param source the pattern's match, relative to the root (for messages)
   * @param isDir whether it is a directory (its contents are copied, not itself)
   */
  record Selected(Path host, String source, boolean isDir) {}

  private final Path root;
  private final DockerIgnore ignore;
  private final String where;

  /** @param where "build context" or "stage builder", for messages */
  CopySources(Path root, DockerIgnore ignore, String where) {
    this.root = root;
    this.ignore = ignore;
    this.where = where;
  }

  Path root() {
    return root;
  }

  /** Resolves every source pattern; a pattern that selects nothing is an error naming it. */
  List<Selected> select(List<String> patterns) throws IOException {
    List<Selected> out = new ArrayList<>();
    for (String p : patterns) {
      List<String> comps = clean(p);
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
        out.add(new Selected(host, m, Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS)));
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
    try (Stream<Path> s = Files.list(dir)) {
      s.forEach(p -> names.add(p.getFileName().toString()));
    }
    names.sort(null);
    for (String n : names) {
      if (GoMatch.matchSegment(c, n)) {
        expand(comps, i + 1, prefix.isEmpty() ? n : prefix + "/" + n, out);
      }
    }
  }

  /**
   * Walks a selected source: every file under it that .dockerignore keeps, sorted, as (host
   * path, path relative to the source). A file source yields itself with relative path "".
   */
  List<String[]> walk(Selected s) throws IOException {
    List<String[]> out = new ArrayList<>();
    if (!s.isDir()) {
      out.add(new String[] {s.host().toString(), ""});
      return out;
    }
    walkDir(s.host(), s.source(), "", out);
    return out;
  }

  private void walkDir(Path dir, String fromRoot, String rel, List<String[]> out) throws IOException {
    List<Path> children = new ArrayList<>();
    try (Stream<Path> st = Files.list(dir)) {
      st.forEach(children::add);
    }
    children.sort(null);
    for (Path c : children) {
      String name = c.getFileName().toString();
      String r = rel.isEmpty() ? name : rel + "/" + name;
      String fr = fromRoot.isEmpty() ? r : fromRoot + "/" + r;
      boolean isDir = Files.isDirectory(c, LinkOption.NOFOLLOW_LINKS);
      if (ignore.isExcluded(fr)) {
        if (isDir && !ignore.canSkipDirectory(fr)) {
          walkDir(c, fromRoot, r, out); // an exception (!pattern) may keep something inside
        }
        continue;
      }
      out.add(new String[] {c.toString(), r});
      if (isDir) {
        walkDir(c, fromRoot, r, out);
      }
    }
  }

  /**
   * The content hash of what {@code selected} would copy: for every file its path, type, mode,
   * size, content digest and link target, and owners when they are kept (COPY --from).
   */
  String contentHash(List<Selected> selected, boolean withOwners) throws IOException {
    MessageDigest all = Digest.newSha256();
    for (Selected s : selected) {
      all.update(("source " + s.source() + "\n").getBytes(StandardCharsets.UTF_8));
      for (String[] f : walk(s)) {
        Path p = Path.of(f[0]);
        FileStat st = Posix.lstat(p);
        StringBuilder line = new StringBuilder();
        line.append(f[1]).append(' ').append(Integer.toOctalString(st.mode()));
        if (withOwners) {
          int[] owner = dev.strata.layer.Ownership.of(p, st);
          line.append(' ').append(owner[0]).append(':').append(owner[1]);
        }
        if (st.type() == FileStat.S_IFREG) {
          line.append(' ').append(st.size()).append(' ').append(fileDigest(p));
        } else if (st.type() == FileStat.S_IFLNK) {
          line.append(" -> ").append(Files.readSymbolicLink(p));
        }
        all.update((line + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
    return Digest.fromSha256(all.digest()).toString();
  }

  private static String fileDigest(Path p) throws IOException {
    MessageDigest md = Digest.newSha256();
    try (InputStream in = new DigestInputStream(Files.newInputStream(p), md)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return Digest.fromSha256(md.digest()).hex();
  }
}
