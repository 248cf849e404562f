package dev.strata.frontend.ignore;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One cleaned pattern (moby/patternmatcher's Pattern): matched exactly, by prefix ({@code dir/**}),
 * by suffix ({@code **}{@code /name}) or by a regular expression where {@code *} and {@code ?}
 * never cross {@code /} and {@code **} crosses any number of directories.
 */
final class IgnorePattern {
  enum Type {
    EXACT,
    PREFIX,
    SUFFIX,
    REGEX
  }

  final String cleaned;
  final boolean exclusion;
  final List<String> dirs;
  private final Type type;
  private final Pattern regex;

  IgnorePattern(String cleaned, boolean exclusion) throws IgnorePatternException {
    GoMatch.validate(cleaned);
    this.cleaned = cleaned;
    this.exclusion = exclusion;
    this.dirs = List.of(cleaned.split("/", -1));
    StringBuilder re = new StringBuilder("^");
    Type t = Type.EXACT;
    int n = cleaned.length();
    int i = 0;
    for (int step = 0; i < n; step++) {
      char ch = cleaned.charAt(i++);
      if (ch == '*') {
        if (i < n && cleaned.charAt(i) == '*') {
          i++;
          if (i < n && cleaned.charAt(i) == '/') {
            i++; // treat **/ as **
          }
          if (i == n) {
            // ** at the end: like .gitignore, everything below
            if (t == Type.EXACT) {
              t = Type.PREFIX;
            } else {
              re.append(".*");
              t = Type.REGEX;
            }
          } else {
            re.append("(.*/)?");
            t = Type.REGEX;
          }
          if (step == 0) {
            t = Type.SUFFIX;
          }
        } else {
          re.append("[^/]*");
          t = Type.REGEX;
        }
      } else if (ch == '?') {
        re.append("[^/]");
        t = Type.REGEX;
      } else if (".+()|{}$".indexOf(ch) >= 0) {
        re.append('\\').append(ch);
      } else if (ch == '\\') {
        if (i < n) {
          re.append('\\').append(cleaned.charAt(i++));
          t = Type.REGEX;
        } else {
          re.append("\\\\");
        }
      } else if (ch == '[' || ch == ']') {
        re.append(ch);
        t = Type.REGEX;
      } else {
        re.append(ch);
      }
    }
    this.type = t;
    this.regex = t == Type.REGEX ? Pattern.compile(re.append('$').toString()) : null;
  }

  boolean matches(String path) {
    switch (type) {
      case EXACT:
        return path.equals(cleaned);
      case PREFIX:
        return path.startsWith(cleaned.substring(0, cleaned.length() - 2));
      case SUFFIX:
        {
          String suffix = cleaned.substring(2);
          if (path.endsWith(suffix)) {
            return true;
          }
          // **/foo matches "foo"
          return !suffix.isEmpty() && suffix.charAt(0) == '/' && path.equals(suffix.substring(1));
        }
      default:
        return regex.matcher(path).matches();
    }
  }

  @Override
  public String toString() {
    return exclusion ? "!" + cleaned : cleaned;
  }
}
