package dev.strata.frontend.ignore;

import java.util.ArrayList;
import java.util.List;

/**
 * The excludes of a build context: which context-relative paths a build must not see. Reads {@code
 * .dockerignore} as Docker does (moby/patternmatcher/ignorefile: comments only at the start of a
 * line, whitespace trimmed, paths cleaned, a leading {@code /} dropped) and matches as {@code
 * MatchesOrParentMatches}: patterns apply in order, the last one that matches a path or one of its
 * parent directories wins, {@code !} patterns re-include.
 *
 * <p>Paths given to {@link #isExcluded} and {@link #canSkipDirectory} are relative to the context,
 * with {@code /} separators and no leading {@code ./} ({@code cmd/app/main.go}). Docker always
 * sends the Dockerfile and the ignore file itself even when excluded; that is the caller's rule.
 */
public final class DockerIgnore {
  private static final DockerIgnore NONE = new DockerIgnore(List.of());

  private final List<IgnorePattern> patterns;
  private final boolean exceptions;

  private DockerIgnore(List<IgnorePattern> patterns) {
    this.patterns = List.copyOf(patterns);
    this.exceptions = patterns.stream().anyMatch(p -> p.exclusion);
  }

  /** Excludes nothing. */
  public static DockerIgnore none() {
    return NONE;
  }

  /** Parses the text of an ignore file. */
  public static DockerIgnore parse(String text) throws IgnorePatternException {
    List<String> lines = new ArrayList<>();
    String[] raw = text.split("\n", -1);
    for (int i = 0; i < raw.length; i++) {
      String line = raw[i];
      if (i == 0 && line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
      if (line.startsWith("#")) {
        continue; // a comment only at the very start of a line
      }
      String p = line.strip();
      if (p.isEmpty()) {
        continue;
      }
      boolean invert = p.charAt(0) == '!';
      if (invert) {
        p = p.substring(1).strip();
      }
      if (!p.isEmpty()) {
        p = clean(p);
        if (p.length() > 1 && p.charAt(0) == '/') {
          p = p.substring(1);
        }
      }
      lines.add(invert ? "!" + p : p);
    }
    return of(lines);
  }

  /**
   * Compiles COPY/ADD {@code --exclude} patterns: as .dockerignore lines are cleaned, a leading "/"
   * or "./" does not change the meaning (BuildKit matches them with the same patternmatcher).
   */
  public static DockerIgnore excludes(List<String> patterns) throws IgnorePatternException {
    if (patterns.isEmpty()) {
      return NONE;
    }
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
    return of(out);
  }

  /** Compiles patterns as the lines of an ignore file would give them. */
  public static DockerIgnore of(List<String> lines) throws IgnorePatternException {
    List<IgnorePattern> out = new ArrayList<>();
    for (String line : lines) {
      String p = line.strip();
      if (p.isEmpty()) {
        continue;
      }
      boolean exclusion = false;
      if (p.charAt(0) == '!') {
        if (p.length() == 1) {
          throw new IgnorePatternException("illegal exclusion pattern: \"!\"");
        }
        exclusion = true;
        p = p.substring(1);
      }
      out.add(new IgnorePattern(clean(p), exclusion));
    }
    return new DockerIgnore(out);
  }

  /** The cleaned patterns, exceptions with their {@code !}. */
  public List<String> patterns() {
    return patterns.stream().map(IgnorePattern::toString).toList();
  }

  /** Whether some pattern is an exception ({@code !}). */
  public boolean hasExceptions() {
    return exceptions;
  }

  /** Whether the build must not see this path (file or directory). */
  public boolean isExcluded(String path) {
    String file = clean(path);
    if (file.equals(".")) {
      return false; // the context itself is never excluded
    }
    int slash = file.lastIndexOf('/');
    String parent = slash < 0 ? "." : file.substring(0, slash);
    String[] parentDirs = parent.split("/");
    boolean matched = false;
    for (IgnorePattern p : patterns) {
      // An include cannot change an already matched path, nor an exception an unmatched one.
      if (p.exclusion != matched) {
        continue;
      }
      boolean match = p.matches(file);
      if (!match && !parent.equals(".")) {
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < parentDirs.length && !match; i++) {
          if (i > 0) {
            prefix.append('/');
          }
          prefix.append(parentDirs[i]);
          match = p.matches(prefix.toString());
        }
      }
      if (match) {
        matched = !p.exclusion;
      }
    }
    return matched;
  }

  /**
   * Whether a walk may skip this directory and everything below it: it is excluded, and no
   * exception pattern could re-include a path inside it. Conservative: when unsure, false.
   */
  public boolean canSkipDirectory(String dir) {
    if (!isExcluded(dir)) {
      return false;
    }
    if (!exceptions) {
      return true;
    }
    String[] d = clean(dir).split("/");
    for (IgnorePattern p : patterns) {
      if (p.exclusion && mayMatchBelow(p, d)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether an exception pattern could match {@code dir} itself, an ancestor, or a path under it.
   */
  private static boolean mayMatchBelow(IgnorePattern p, String[] dir) {
    List<String> segs = p.dirs;
    for (int k = 0; k < dir.length; k++) {
      if (k == segs.size()) {
        return true; // matches an ancestor of the directory: applies to everything under it
      }
      String s = segs.get(k);
      if (s.contains("**")) {
        return true;
      }
      if (!GoMatch.matchSegment(s, dir[k])) {
        return false;
      }
    }
    return true; // the directory is a prefix of what the pattern can match
  }

  /** Go's path.Clean: one slash, no "." elements, ".." resolved lexically, no trailing slash. */
  static String clean(String path) {
    if (path.isEmpty()) {
      return ".";
    }
    boolean rooted = path.charAt(0) == '/';
    List<String> out = new ArrayList<>();
    for (String part : path.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (!out.isEmpty() && !out.get(out.size() - 1).equals("..")) {
          out.remove(out.size() - 1);
        } else if (!rooted) {
          out.add("..");
        }
        continue;
      }
      out.add(part);
    }
    String joined = String.join("/", out);
    if (rooted) {
      return "/" + joined;
    }
    return joined.isEmpty() ? "." : joined;
  }
}
