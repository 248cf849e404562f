package dev.strata.frontend.shell;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The shell patterns of {@code ${VAR#pat}}, {@code ${VAR%pat}} and {@code ${VAR/pat/rep}}: {@code
 * *} and {@code ?} with {@code \} escapes, no bracket expressions (as BuildKit's lexer, after POSIX
 * XCU 2.13 without {@code []}).
 */
final class ShellPattern {
  private ShellPattern() {}

  static Pattern toRegex(String pattern, boolean greedy, boolean anchored)
      throws ExpansionException {
    StringBuilder out = new StringBuilder(pattern.length() + 4);
    if (anchored) {
      out.append('^');
    }
    String star = greedy ? ".*" : ".*?";
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      switch (c) {
        case '*':
          out.append(star);
          continue;
        case '?':
          out.append('.');
          continue;
        case '\\':
          {
            // An escaped } or / belongs to the ${} syntax, not to the pattern.
            char n = i + 1 < pattern.length() ? pattern.charAt(i + 1) : 0;
            if (n == '}' || n == '/') {
              continue;
            }
            if (n != '*' && n != '?' && n != '\\') {
              throw new ExpansionException(
                  "invalid pattern ("
                      + pattern
                      + ") in substitution: invalid escape '\\"
                      + (n == 0 ? "" : String.valueOf(n))
                      + "'");
            }
            out.append('\\').append(n);
            i++;
            continue;
          }
        default:
          if ("[]{}.+()|^$".indexOf(c) >= 0) {
            out.append('\\');
          }
          out.append(c);
      }
    }
    try {
      return Pattern.compile(out.toString());
    } catch (PatternSyntaxException e) {
      throw new ExpansionException(
          "invalid pattern (" + pattern + ") in substitution: " + e.getDescription());
    }
  }

  static String trimPrefix(String pattern, String value, boolean greedy) throws ExpansionException {
    Matcher m = toRegex(pattern, greedy, true).matcher(value);
    return m.find() ? value.substring(m.end()) : value;
  }

  /** Regexes cannot find the shortest rightmost match, so reverse both and trim a prefix. */
  static String trimSuffix(String pattern, String value, boolean greedy) throws ExpansionException {
    String r =
        trimPrefix(reversePattern(pattern), new StringBuilder(value).reverse().toString(), greedy);
    return new StringBuilder(r).reverse().toString();
  }

  static String replace(String value, String pattern, String replacement, boolean all)
      throws ExpansionException {
    Matcher m = toRegex(pattern, true, false).matcher(value);
    if (all) {
      return m.replaceAll(Matcher.quoteReplacement(replacement));
    }
    return m.find()
        ? value.substring(0, m.start()) + replacement + value.substring(m.end())
        : value;
  }

  /** Reverses a pattern keeping escapes in front of what they escape: a\*c becomes c\*a. */
  static String reversePattern(String pattern) {
    char[] in = pattern.toCharArray();
    char[] out = new char[in.length];
    int last = in.length - 1;
    for (int i = 0; i <= last; ) {
      int o = last - i;
      if (in[i] == '\\' && i != last) {
        out[o - 1] = in[i];
        out[o] = in[i + 1];
        i += 2;
      } else {
        out[o] = in[i];
        i++;
      }
    }
    return new String(out);
  }
}
