package dev.strata.registry.auth;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One {@code WWW-Authenticate} challenge (RFC 7235): a scheme and its parameters, e.g. {@code
 * Bearer realm="https://auth.docker.io/token",service="registry.docker.io"}.
 *
 * @param scheme lower case: {@code basic} or {@code bearer} (others are kept, and refused later)
 * @param params parameter names lower case, values unquoted
 */
public record Challenge(String scheme, Map<String, String> params) {
  public Challenge {
    params = Map.copyOf(params);
  }

  public String param(String name) {
    return params.get(name);
  }

  /**
   * Parses a header value. When it holds several challenges, Bearer wins over Basic (a token scopes
   * access; distribution's token server also accepts the Basic credentials). Returns null for an
   * empty or unparseable header.
   */
  public static Challenge parse(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    Challenge best = null;
    int i = 0;
    String s = header.trim();
    while (i < s.length()) {
      int sp = i;
      while (sp < s.length() && isToken(s.charAt(sp))) {
        sp++;
      }
      if (sp == i) {
        return best;
      }
      String scheme = s.substring(i, sp).toLowerCase(Locale.ROOT);
      Map<String, String> params = new LinkedHashMap<>();
      i = skipSpace(s, sp);
      // auth-params: name=value or name="quoted", separated by commas
      while (i < s.length()) {
        int nameEnd = i;
        while (nameEnd < s.length() && isToken(s.charAt(nameEnd))) {
          nameEnd++;
        }
        int eq = skipSpace(s, nameEnd);
        if (nameEnd == i || eq >= s.length() || s.charAt(eq) != '=') {
          break; // the next challenge's scheme (or a token68, which we ignore)
        }
        String name = s.substring(i, nameEnd).toLowerCase(Locale.ROOT);
        int v = skipSpace(s, eq + 1);
        StringBuilder value = new StringBuilder();
        if (v < s.length() && s.charAt(v) == '"') {
          v++;
          while (v < s.length() && s.charAt(v) != '"') {
            char c = s.charAt(v);
            if (c == '\\' && v + 1 < s.length()) {
              c = s.charAt(++v);
            }
            value.append(c);
            v++;
          }
          v++; // closing quote
        } else {
          while (v < s.length() && s.charAt(v) != ',' && !Character.isWhitespace(s.charAt(v))) {
            value.append(s.charAt(v++));
          }
        }
        params.put(name, value.toString());
        i = skipSpace(s, v);
        if (i < s.length() && s.charAt(i) == ',') {
          i = skipSpace(s, i + 1);
        }
      }
      Challenge c = new Challenge(scheme, params);
      if (best == null || ("bearer".equals(scheme) && !"bearer".equals(best.scheme))) {
        best = c;
      }
      if (i < s.length() && s.charAt(i) == ',') {
        i = skipSpace(s, i + 1);
      }
    }
    return best;
  }

  private static boolean isToken(char c) {
    return Character.isLetterOrDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }

  private static int skipSpace(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }
}
