package dev.strata.frontend.ignore;

/**
 * Go's path/filepath.Match for one path segment, and its syntax check: {@code *} and {@code ?}
 * (never {@code /}), {@code [...]} classes with {@code ^} negation and ranges, {@code \} escapes.
 */
public final class GoMatch {
  private GoMatch() {}

  /** Refuses what filepath.Match refuses with ErrBadPattern. */
  static void validate(String pattern) throws IgnorePatternException {
    int n = pattern.length();
    int i = 0;
    while (i < n) {
      char c = pattern.charAt(i++);
      if (c == '\\') {
        if (i == n) {
          throw bad(pattern);
        }
        i++;
      } else if (c == '[') {
        if (i < n && pattern.charAt(i) == '^') {
          i++;
        }
        boolean first = true;
        while (true) {
          if (i < n && pattern.charAt(i) == ']' && !first) {
            i++;
            break;
          }
          int[] lo = esc(pattern, i);
          if (lo == null) {
            throw bad(pattern);
          }
          i = lo[1];
          if (i < n && pattern.charAt(i) == '-') {
            int[] hi = esc(pattern, i + 1);
            if (hi == null) {
              throw bad(pattern);
            }
            i = hi[1];
          }
          first = false;
        }
      }
    }
  }

  /** One class character: returns {char, next index}, or null when malformed. */
  private static int[] esc(String p, int i) {
    if (i >= p.length()) {
      return null;
    }
    char c = p.charAt(i);
    if (c == '-' || c == ']') {
      return null;
    }
    if (c == '\\') {
      if (i + 1 >= p.length()) {
        return null;
      }
      return new int[] {p.charAt(i + 1), i + 2};
    }
    return new int[] {c, i + 1};
  }

  private static IgnorePatternException bad(String pattern) {
    return new IgnorePatternException("syntax error in pattern \"" + pattern + "\"");
  }

  /**
   * Whether {@code path} holds an unescaped {@code *}, {@code ?} or {@code [} (fsutil's
   * containsWildcards): a COPY source with one that matches nothing copies nothing, where a plain
   * path that is missing is an error (BuildKit's AllowEmptyWildcard).
   */
  public static boolean hasWildcard(String path) {
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '*' || c == '?' || c == '[') {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether one segment pattern (no {@code /}) matches one path segment: Go's filepath.Match, its
   * ErrBadPattern taken as no match (fsutil's resolveWildcards ignores the error the same way).
   * {@code [[]} is a class holding {@code [}, {@code \?} a literal {@code ?}.
   */
  public static boolean matchSegment(String pattern, String segment) {
    try {
      return match(pattern, segment);
    } catch (IgnorePatternException e) {
      return false;
    }
  }

  /** Go's path/filepath.Match on Unix, chunk by chunk as Go does it (no regular expression). */
  static boolean match(String pattern, String name) throws IgnorePatternException {
    String p = pattern;
    String n = name;
    patterns:
    while (!p.isEmpty()) {
      boolean star = false;
      while (!p.isEmpty() && p.charAt(0) == '*') {
        p = p.substring(1);
        star = true;
      }
      int end = chunkEnd(p);
      String chunk = p.substring(0, end);
      p = p.substring(end);
      if (star && chunk.isEmpty()) {
        return n.indexOf('/') < 0; // a trailing * matches the rest, never across /
      }
      String rest = matchChunk(chunk, n);
      if (rest != null && (rest.isEmpty() || !p.isEmpty())) {
        n = rest;
        continue;
      }
      if (star) {
        for (int i = 0; i < n.length() && n.charAt(i) != '/'; i++) {
          rest = matchChunk(chunk, n.substring(i + 1));
          if (rest != null) {
            if (p.isEmpty() && !rest.isEmpty()) {
              continue; // the last chunk must use up the name
            }
            n = rest;
            continue patterns;
          }
        }
      }
      while (!p.isEmpty()) { // a false result, but only for a well-formed pattern
        while (!p.isEmpty() && p.charAt(0) == '*') {
          p = p.substring(1);
        }
        end = chunkEnd(p);
        matchChunk(p.substring(0, end), "");
        p = p.substring(end);
      }
      return false;
    }
    return n.isEmpty();
  }

  /** Where the chunk at the start of {@code p} ends: at the first * outside a class. */
  private static int chunkEnd(String p) {
    boolean inRange = false;
    int i = 0;
    for (; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c == '\\') {
        if (i + 1 < p.length()) {
          i++;
        }
      } else if (c == '[') {
        inRange = true;
      } else if (c == ']') {
        inRange = false;
      } else if (c == '*' && !inRange) {
        break;
      }
    }
    return i;
  }

  /**
   * Matches one chunk (no unescaped * outside a class) at the start of {@code s}: what is left of
   * {@code s}, or null when it does not match; a malformed chunk throws.
   */
  private static String matchChunk(String chunk, String s) throws IgnorePatternException {
    boolean failed = false;
    int ci = 0;
    int si = 0;
    while (ci < chunk.length()) {
      if (!failed && si >= s.length()) {
        failed = true;
      }
      char c = chunk.charAt(ci);
      if (c == '[') {
        int r = -1;
        if (!failed) {
          r = s.codePointAt(si);
          si += Character.charCount(r);
        }
        ci++;
        boolean negated = ci < chunk.length() && chunk.charAt(ci) == '^';
        if (negated) {
          ci++;
        }
        boolean matched = false;
        int ranges = 0;
        while (true) {
          if (ci < chunk.length() && chunk.charAt(ci) == ']' && ranges > 0) {
            ci++;
            break;
          }
          int[] lo = classChar(chunk, ci);
          ci = lo[1];
          int hi = lo[0];
          if (chunk.charAt(ci) == '-') {
            int[] h = classChar(chunk, ci + 1);
            hi = h[0];
            ci = h[1];
          }
          if (lo[0] <= r && r <= hi) {
            matched = true;
          }
          ranges++;
        }
        if (matched == negated) {
          failed = true;
        }
      } else if (c == '?') {
        if (!failed) {
          if (s.charAt(si) == '/') {
            failed = true;
          }
          si += Character.charCount(s.codePointAt(si));
        }
        ci++;
      } else {
        if (c == '\\') {
          ci++;
          if (ci == chunk.length()) {
            throw bad(chunk);
          }
        }
        if (!failed) {
          if (chunk.charAt(ci) != s.charAt(si)) {
            failed = true;
          }
          si++;
        }
        ci++;
      }
    }
    return failed ? null : s.substring(si);
  }

  /** Go's getEsc: one class character at {@code i}, {char, next index}; throws when malformed. */
  private static int[] classChar(String chunk, int i) throws IgnorePatternException {
    if (i >= chunk.length() || chunk.charAt(i) == '-' || chunk.charAt(i) == ']') {
      throw bad(chunk);
    }
    if (chunk.charAt(i) == '\\') {
      i++;
      if (i >= chunk.length()) {
        throw bad(chunk);
      }
    }
    int r = chunk.codePointAt(i);
    i += Character.charCount(r);
    if (i >= chunk.length()) {
      throw bad(chunk); // a class never closed
    }
    return new int[] {r, i};
  }
}
