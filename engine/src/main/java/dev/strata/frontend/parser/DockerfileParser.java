package dev.strata.frontend.parser;

import dev.strata.frontend.shell.ExpansionException;
import dev.strata.frontend.shell.ShellLexer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns Dockerfile text into {@link Node}s, following BuildKit's {@code parser.Parse}: directives
 * at the top, leading whitespace dropped, comment lines dropped (also between continuation lines),
 * continuation by the escape token at the end of a line, empty continuation lines skipped with a
 * warning, and heredoc bodies read after the line that opens them.
 */
public final class DockerfileParser {
  private static final Pattern HEREDOC = Pattern.compile("^(\\d*)<<(-?)([^<]*)$");
  private static final Set<String> HEREDOC_KEYWORDS = Set.of("RUN", "COPY", "ADD");
  private static final ShellLexer HEREDOC_LINE_LEXER =
      ShellLexer.withEscape('\\').rawQuotes(true).rawEscapes(true).skipUnsetEnv(true);
  private static final ShellLexer HEREDOC_WORD_LEXER =
      ShellLexer.withEscape('\\').skipUnsetEnv(true);

  private DockerfileParser() {}

  /** Parses a whole Dockerfile. */
  public static ParseResult parse(String text) throws SyntaxException {
    List<String> lines = splitLines(text);
    Directives d = new Directives();
    List<Node> nodes = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    int i = 0;
    while (i < lines.size()) {
      String raw = lines.get(i);
      if (i == 0 && raw.startsWith("\uFEFF")) {
        raw = raw.substring(1);
      }
      String token = trimNewline(raw);
      String stripped = token.stripLeading();
      int column = token.length() - stripped.length() + 1;
      try {
        d.offer(stripped);
      } catch (SyntaxException e) {
        throw new SyntaxException(e.getMessage(), i + 1, 1);
      }
      String bytes = isComment(stripped) ? "" : stripped;
      i++;
      int startLine = i;
      boolean[] eol = new boolean[1];
      String line = trimContinuation(bytes, d, eol);
      if (eol[0] && line.isEmpty()) {
        continue;
      }
      StringBuilder buf = new StringBuilder(line);
      boolean emptyContinuation = false;
      while (!eol[0] && i < lines.size()) {
        String next = trimNewline(lines.get(i));
        try {
          d.offer(next);
        } catch (SyntaxException e) {
          throw new SyntaxException(e.getMessage(), i + 1, 1);
        }
        i++;
        if (isComment(next.stripLeading())) {
          continue;
        }
        if (next.isBlank() && next.stripLeading().isEmpty()) {
          emptyContinuation = true;
          continue;
        }
        buf.append(trimContinuation(next, d, eol));
      }
      String logical = buf.toString();
      if (emptyContinuation) {
        warnings.add("line " + startLine + ": empty continuation line found in: " + logical);
      }
      Node node;
      try {
        node = nodeFromLine(logical, d.escape());
      } catch (SyntaxException e) {
        throw new SyntaxException(e.getMessage(), startLine, column);
      }
      List<Heredoc> docs = new ArrayList<>();
      if (canContainHeredoc(node) && logical.contains("<<")) {
        for (Heredoc h : heredocsFromLine(logical)) {
          StringBuilder content = new StringBuilder();
          boolean terminated = false;
          while (i < lines.size()) {
            String body = lines.get(i++);
            String candidate = trimNewline(body);
            if (h.chomp()) {
              candidate = candidate.replaceFirst("^\t+", "");
            }
            if (candidate.equals(h.name())) {
              terminated = true;
              break;
            }
            content.append(body);
          }
          if (!terminated) {
            throw new SyntaxException(
                "unterminated heredoc \""
                    + h.name()
                    + "\": no line \""
                    + h.name()
                    + "\" before the end of the file",
                startLine,
                column);
          }
          docs.add(
              new Heredoc(h.name(), h.fileDescriptor(), h.expand(), h.chomp(), content.toString()));
        }
      }
      nodes.add(node.withLines(startLine, i, column, docs));
    }
    if (nodes.isEmpty()) {
      throw new SyntaxException("file with no instructions", Math.max(lines.size(), 1), 1);
    }
    return new ParseResult(nodes, d.escape(), d.syntax(), warnings);
  }

  /** Splits into lines, each keeping its line ending (the heredoc bodies need them). */
  static List<String> splitLines(String text) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int k = 0; k < text.length(); k++) {
      if (text.charAt(k) == '\n') {
        out.add(text.substring(start, k + 1));
        start = k + 1;
      }
    }
    if (start < text.length()) {
      out.add(text.substring(start));
    }
    return out;
  }

  private static String trimNewline(String s) {
    int end = s.length();
    while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
      end--;
    }
    return s.substring(0, end);
  }

  private static boolean isComment(String strippedLine) {
    return !strippedLine.isEmpty() && strippedLine.charAt(0) == '#';
  }

  /**
   * Removes a line-continuation escape: the escape token as the last character before optional
   * spaces and tabs, unless itself preceded by the escape token (BuildKit's regular expression
   * {@code ([^\\])\\[ \t]*$|^\\[ \t]*$}, written out because it ran on every line).
   */
  private static String trimContinuation(String line, Directives d, boolean[] eol) {
    char e = d.escape();
    int end = line.length();
    while (end > 0 && (line.charAt(end - 1) == ' ' || line.charAt(end - 1) == '\t')) {
      end--;
    }
    if (end > 0 && line.charAt(end - 1) == e && (end == 1 || line.charAt(end - 2) != e)) {
      eol[0] = false;
      return line.substring(0, end - 1);
    }
    eol[0] = true;
    return line;
  }

  /** One logical line: keyword, flags, then the keyword's own argument parser. */
  static Node nodeFromLine(String line, char escape) throws SyntaxException {
    String trimmed = line.strip();
    String[] kw = LineParsers.WHITESPACE.split(trimmed, 2);
    String keyword = kw[0].toUpperCase(Locale.ROOT);
    List<String> flags = List.of();
    String rest = "";
    if (kw.length == 2) {
      String[] r = new String[1];
      flags = FlagSplitter.split(kw[1], r);
      rest = r[0].strip();
    }
    Node child = null;
    LineParsers.Parsed parsed;
    if (keyword.equals("ONBUILD")) {
      parsed = new LineParsers.Parsed(rest.isEmpty() ? List.of() : List.of(rest), false);
      child = rest.isEmpty() ? null : nodeFromLine(rest, escape);
    } else {
      parsed = LineParsers.parse(keyword, rest, escape);
    }
    return new Node(
        keyword, flags, parsed.args(), parsed.json(), rest, line, List.of(), 0, 0, 1, child);
  }

  private static boolean canContainHeredoc(Node node) {
    Node n = node.keyword().equals("ONBUILD") && node.child() != null ? node.child() : node;
    return HEREDOC_KEYWORDS.contains(n.keyword()) && !n.json();
  }

  /** Every word of the line of the form {@code [n]<<[-]WORD} opens a heredoc, in order. */
  static List<Heredoc> heredocsFromLine(String line) throws SyntaxException {
    List<String> words;
    try {
      words = HEREDOC_LINE_LEXER.processWords(line, ShellLexer.Env.empty());
    } catch (ExpansionException e) {
      words = List.of(); // as BuildKit: a line the lexer cannot read has no heredocs
    }
    List<Heredoc> docs = new ArrayList<>();
    for (String w : words) {
      Matcher m = HEREDOC.matcher(w);
      if (!m.matches() || m.group(3).isEmpty()) {
        continue;
      }
      String rest = m.group(3);
      List<String> plain;
      List<String> raw;
      try {
        plain = HEREDOC_WORD_LEXER.processWords(rest, ShellLexer.Env.empty());
        raw = HEREDOC_WORD_LEXER.rawQuotes(true).processWords(rest, ShellLexer.Env.empty());
      } catch (ExpansionException e) {
        throw new SyntaxException(e.getMessage(), 0, 1);
      }
      if (plain.size() != 1 || raw.size() != 1) {
        continue;
      }
      // A quote anywhere in the delimiter turns expansion of the body off (sh(1)).
      boolean expand = quotes(plain.get(0)) == quotes(raw.get(0));
      int fd = m.group(1).isEmpty() || m.group(1).length() > 9 ? 0 : Integer.parseInt(m.group(1));
      docs.add(new Heredoc(plain.get(0), fd, expand, m.group(2).equals("-"), ""));
    }
    return docs;
  }

  private static int quotes(String s) {
    int n = 0;
    for (int k = 0; k < s.length(); k++) {
      if (s.charAt(k) == '\'' || s.charAt(k) == '"') {
        n++;
      }
    }
    return n;
  }
}
