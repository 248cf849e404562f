package dev.strata.solver.copy;

import dev.strata.layer.RootReader;
import dev.strata.posix.FileStat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The entries below a selected source, in the order the copy makes them: .dockerignore and {@code
 * --exclude} applied (a directory skipped whole where no exception can keep something inside it),
 * what cannot be copied left out.
 */
final class SourceWalk {
  private SourceWalk() {}

  static List<CopySources.Entry> walk(CopySources src, CopySources.Selected s) throws IOException {
    List<CopySources.Entry> out = new ArrayList<>();
    if (!s.isDir()) {
      out.add(new CopySources.Entry(s.path(), ""));
      return out;
    }
    walkDir(src, s.path(), s.keep() == null ? "" : s.keep(), "", out);
    return out;
  }

  private static void walkDir(
      CopySources src, String dir, String below, String rel, List<CopySources.Entry> out)
      throws IOException {
    String here = RootReader.join(dir, rel);
    for (String name : src.reader().list(here)) {
      String r = RootReader.join(rel, name);
      String fr = RootReader.join(dir, r); // the resolved path: what .dockerignore matches
      String br = RootReader.join(below, r);
      FileStat st = src.reader().lstat(fr);
      if (st == null) {
        continue; // removed meanwhile
      }
      boolean isDir = st.isDirectory();
      boolean ignored = src.ignore().isExcluded(fr);
      boolean excluded = src.excludes().isExcluded(br);
      if (ignored || excluded) {
        boolean skipAll =
            (ignored && src.ignore().canSkipDirectory(fr))
                || (excluded && src.excludes().canSkipDirectory(br));
        if (isDir && !skipAll) {
          walkDir(src, dir, below, r, out); // an exception (!pattern) may keep something inside
        }
        continue;
      }
      if (!src.copyable(fr, st)) {
        continue;
      }
      out.add(new CopySources.Entry(fr, r));
      if (isDir) {
        walkDir(src, dir, below, r, out);
      }
    }
  }
}
