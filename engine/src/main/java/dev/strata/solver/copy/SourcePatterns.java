package dev.strata.solver.copy;

import dev.strata.frontend.ignore.GoMatch;
import dev.strata.layer.RootReader;
import dev.strata.posix.FileStat;
import dev.strata.solver.BuildException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * COPY's source patterns against a tree: cleaned of "." and "..", and their globs (Go's {@code
 * filepath.Match}, as BuildKit) expanded component by component through the tree's reader.
 */
final class SourcePatterns {
  private SourcePatterns() {}

  /** A pattern's components, "." dropped and ".." applied; climbing out is an error. */
  static List<String> clean(String pattern, String where) {
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

  /** Matches as {as written, resolved}; each glob lists the directory its prefix resolves to. */
  static void expand(CopySources src, List<String> comps, int i, String prefix, List<String[]> out)
      throws IOException {
    if (i == comps.size()) {
      String resolved = src.resolve(prefix);
      // an ignored directory still holds what a later !pattern re-includes (** then !dir/f)
      if (resolved != null
          && (resolved.isEmpty()
              || !src.ignore().isExcluded(resolved)
              || src.reincludes(resolved))) {
        out.add(new String[] {prefix, resolved});
      }
      return;
    }
    String c = comps.get(i);
    boolean glob = c.chars().anyMatch(ch -> ch == '*' || ch == '?' || ch == '[' || ch == '\\');
    if (!glob) {
      expand(src, comps, i + 1, RootReader.join(prefix, c), out);
      return;
    }
    String dir = src.resolve(prefix);
    if (dir == null) {
      return;
    }
    FileStat st = src.reader().lstat(dir);
    if (st == null || !st.isDirectory()) {
      return;
    }
    for (String n : src.reader().list(dir)) {
      if (GoMatch.matchSegment(c, n)) {
        expand(src, comps, i + 1, RootReader.join(prefix, n), out);
      }
    }
  }
}
