package dev.strata.frontend.parser;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How each keyword's argument text becomes a list of words (BuildKit's line_parsers.go). Unknown
 * keywords keep no arguments; the typed layer refuses them.
 */
final class LineParsers {
  private LineParsers() {}

  static final Pattern WHITESPACE = Pattern.compile("[\\t\\x0B\\f\\r ]+");
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** Arguments and whether they came from a JSON array. */
  record Parsed(List<String> args, boolean json) {}

  static Parsed parse(String keyword, String rest, char escape) throws SyntaxException {
    switch (keyword) {
      case "ADD":
      case "COPY":
      case "VOLUME":
        return maybeJsonToList(rest);
      case "RUN":
      case "CMD":
      case "ENTRYPOINT":
      case "SHELL":
        return maybeJson(rest);
      case "ARG":
        return new Parsed(words(rest, escape), false);
      case "ENV":
      case "LABEL":
        return new Parsed(nameVal(rest, keyword, escape), false);
      case "EXPOSE":
      case "FROM":
        return new Parsed(whitespaceDelimited(rest), false);
      case "HEALTHCHECK":
        return health(rest);
      case "MAINTAINER":
      case "STOPSIGNAL":
      case "USER":
      case "WORKDIR":
        return new Parsed(rest.isEmpty() ? List.of() : List.of(rest), false);
      default:
        return new Parsed(List.of(), false);
    }
  }

  /**
   * Splits on whitespace keeping quotes and escapes in the words; they are removed later, by
   * expansion (BuildKit's parseWords).
   */
  static List<String> words(String rest, char escape) {
    List<String> words = new ArrayList<>();
    int phase = 0; // 0 spaces, 1 word, 2 quote
    char quote = 0;
    boolean blankOk = false;
    StringBuilder sb = new StringBuilder();
    int n = rest.length();
    for (int pos = 0; pos <= n; pos++) {
      char ch = pos < n ? rest.charAt(pos) : 0;
      if (phase == 0) {
        if (pos == n) {
          break;
        }
        if (Character.isWhitespace(ch)) {
          continue;
        }
        phase = 1;
      }
      if (pos == n) {
        if (blankOk || sb.length() > 0) {
          words.add(sb.toString());
        }
        break;
      }
      if (phase == 1) {
        if (Character.isWhitespace(ch)) {
          phase = 0;
          if (blankOk || sb.length() > 0) {
            words.add(sb.toString());
          }
          sb.setLength(0);
          blankOk = false;
          continue;
        }
        if (ch == '\'' || ch == '"') {
          quote = ch;
          blankOk = true;
          phase = 2;
        }
        if (ch == escape) {
          if (pos + 1 == n) {
            continue;
          }
          // Unquoted: keep the escape and the next character, even a quote.
          sb.append(ch);
          ch = rest.charAt(++pos);
        }
        sb.append(ch);
        continue;
      }
      if (ch == quote) {
        phase = 1;
      }
      if (ch == escape && quote != '\'') {
        if (pos + 1 == n) {
          phase = 1;
          continue;
        }
        sb.append(ch);
        ch = rest.charAt(++pos);
      }
      sb.append(ch);
    }
    return words;
  }

  /** {@code KEY value} (old form) or {@code K1=v1 K2=v2}: triples key, value, separator. */
  private static List<String> nameVal(String rest, String keyword, char escape)
      throws SyntaxException {
    List<String> words = words(rest, escape);
    if (words.isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    if (!words.get(0).contains("=")) {
      String[] parts = WHITESPACE.split(rest, 2);
      if (parts.length < 2) {
        throw new SyntaxException(keyword + " must have two arguments", 0, 1);
      }
      out.add(parts[0]);
      out.add(parts[1]);
      out.add("");
      return out;
    }
    for (String w : words) {
      int eq = w.indexOf('=');
      if (eq < 0) {
        throw new SyntaxException(
            "Syntax error - can't find = in \"" + w + "\". Must be of the form: name=value", 0, 1);
      }
      out.add(w.substring(0, eq));
      out.add(w.substring(eq + 1));
      out.add("=");
    }
    return out;
  }

  static List<String> whitespaceDelimited(String rest) {
    if (rest.isEmpty()) {
      return List.of();
    }
    return List.of(WHITESPACE.split(rest, -1));
  }

  /** Exactly Docker's test: after leading space, a '[' and a whole JSON array of strings. */
  private static Parsed json(String rest) throws SyntaxException {
    String t = rest.stripLeading();
    if (!t.startsWith("[")) {
      return null;
    }
    JsonNode node;
    try {
      node = JSON.readTree(t);
    } catch (JsonProcessingException e) {
      return null;
    }
    if (node == null || !node.isArray()) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (JsonNode e : node) {
      if (!e.isTextual()) {
        throw new SyntaxException(
            "when using JSON array syntax, arrays must be comprised of strings only", 0, 1);
      }
      out.add(e.textValue());
    }
    return new Parsed(out, true);
  }

  private static Parsed maybeJson(String rest) throws SyntaxException {
    if (rest.isEmpty()) {
      return new Parsed(List.of(), false);
    }
    Parsed p = json(rest);
    return p != null ? p : new Parsed(List.of(rest), false);
  }

  private static Parsed maybeJsonToList(String rest) throws SyntaxException {
    Parsed p = json(rest);
    return p != null ? p : new Parsed(whitespaceDelimited(rest), false);
  }

  /** HEALTHCHECK: the type word (CMD or NONE), then a command in either form. */
  private static Parsed health(String rest) throws SyntaxException {
    int sep = 0;
    while (sep < rest.length() && !Character.isWhitespace(rest.charAt(sep))) {
      sep++;
    }
    if (sep == 0) {
      return new Parsed(List.of(), false);
    }
    int next = sep;
    while (next < rest.length() && Character.isWhitespace(rest.charAt(next))) {
      next++;
    }
    Parsed cmd = maybeJson(rest.substring(next));
    List<String> args = new ArrayList<>();
    args.add(rest.substring(0, sep));
    args.addAll(cmd.args());
    return new Parsed(args, cmd.json());
  }
}
