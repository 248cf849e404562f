package dev.strata.frontend.ignore;

import java.util.regex.Pattern;

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

  /** Whether one segment pattern (no {@code /}) matches one path segment. */
  public static boolean matchSegment(String pattern, String segment) {
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '*') {
        re.append("[^/]*");
      } else if (c == '?') {
        re.append("[^/]");
      } else if (c == '\\' && i + 1 < pattern.length()) {
        re.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
      } else if (c == '[' || c == ']' || c == '^' || c == '-') {
        re.append(c);
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    try {
      return Pattern.matches(re.toString(), segment);
    } catch (RuntimeException e) {
      return true; // when in doubt, assume it may match (callers use this to keep directories)
    }
  }
}
