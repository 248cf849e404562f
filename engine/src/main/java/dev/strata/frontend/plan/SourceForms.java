package dev.strata.frontend.plan;

/**
 * What form a COPY/ADD source is written in: an http(s) URL that ADD fetches, a git repository
 * (which Strata does not fetch), or else a path in the context or the {@code --from} stage.
 */
public final class SourceForms {
  private SourceForms() {}

  /** Whether ADD fetches {@code src} over http(s); git URLs are not (see {@link #isGit}). */
  public static boolean isUrl(String src) {
    return (src.startsWith("http://") || src.startsWith("https://")) && !isGit(src);
  }

  /**
   * A git source as BuildKit's dfgitutil.ParseGitRef recognises the usual forms: {@code git@},
   * {@code git://}, {@code ssh://}, or an http(s) URL whose path ends in {@code .git}.
   */
  public static boolean isGit(String src) {
    if (src.startsWith("git@") || src.startsWith("git://") || src.startsWith("ssh://")) {
      return true;
    }
    if (src.startsWith("http://") || src.startsWith("https://")) {
      String path = src;
      int hash = path.indexOf('#');
      if (hash >= 0) {
        path = path.substring(0, hash);
      }
      int q = path.indexOf('?');
      if (q >= 0) {
        path = path.substring(0, q);
      }
      return path.endsWith(".git") || path.endsWith(".git/");
    }
    return false;
  }

  /**
   * Whether {@code path}, taken relative to a root, climbs above it with {@code ..} (Strata refuses
   * such a COPY source or bind-mount source, as Docker's classic builder did: "forbidden path
   * outside the build context").
   */
  public static boolean climbsAboveRoot(String path) {
    int depth = 0;
    for (String c : path.split("/")) {
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        if (depth == 0) {
          return true;
        }
        depth--;
      } else {
        depth++;
      }
    }
    return false;
  }
}
