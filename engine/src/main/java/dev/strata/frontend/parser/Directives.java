package dev.strata.frontend.parser;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parser directives ({@code # syntax=}, {@code # escape=}, {@code # check=}): only at the very top,
 * each once; the first line that is not one (a blank line, another comment, an instruction) ends
 * them (Dockerfile reference, "Parser directives").
 */
final class Directives {
  private static final Pattern DIRECTIVE =
      Pattern.compile("^#\\s*([a-zA-Z][a-zA-Z0-9]*)\\s*=\\s*(.+?)\\s*$");
  private static final Set<String> KNOWN = Set.of("syntax", "escape", "check");

  private final Set<String> seen = new HashSet<>();
  private boolean done;
  private char escape = '\\';
  private String syntax;

  char escape() {
    return escape;
  }

  String syntax() {
    return syntax;
  }

  /** Looks at a line (newline and leading space removed); returns true if it was a directive. */
  boolean offer(String line) throws SyntaxException {
    if (done) {
      return false;
    }
    Matcher m = DIRECTIVE.matcher(line);
    if (!m.matches()) {
      done = true;
      return false;
    }
    String key = m.group(1).toLowerCase(Locale.ROOT);
    if (!KNOWN.contains(key)) {
      done = true;
      return false;
    }
    if (!seen.add(key)) {
      throw new SyntaxException("only one " + key + " parser directive can be used", 0, 1);
    }
    String value = m.group(2);
    if (key.equals("escape")) {
      if (!value.equals("`") && !value.equals("\\")) {
        throw new SyntaxException(
            "invalid escape token '" + value + "' does not match ` or \\", 0, 1);
      }
      escape = value.charAt(0);
    } else if (key.equals("syntax")) {
      syntax = value;
    }
    return true;
  }
}
