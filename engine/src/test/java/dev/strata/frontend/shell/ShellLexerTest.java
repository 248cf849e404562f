package dev.strata.frontend.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Word expansion, table-driven (after BuildKit's envVarTest and wordsTest). The rows live in {@code
 * src/test/resources/frontend/shell-expansion.table}, plain text so backslashes need no second
 * escaping: {@code input => expected ;; why}, under {@code [word]} (one word), {@code [words]}
 * (split, joined with |) and {@code [backtick]} (escape token `).
 */
class ShellLexerTest {
  static final Map<String, String> ENV =
      Map.of(
          "A", "a",
          "B", "b c",
          "EMPTY", "",
          "FILE", "/usr/local/lib/archive.tar.gz",
          "WORD", "banana",
          "X", "x",
          "PATH", "/bin:/usr/bin",
          "$", "pid");

  record Row(String section, int line, String input, String expected, String why) {
    @Override
    public String toString() {
      return line + ": " + input + " => " + expected + "  (" + why + ")";
    }
  }

  static List<Row> all() {
    List<String> lines;
    try {
      lines =
          Files.readAllLines(
              Path.of("src/test/resources/frontend/shell-expansion.table"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Row> out = new ArrayList<>();
    String section = null;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank() || line.startsWith("# ")) {
        continue;
      }
      if (line.matches("\\[[a-z]+\\]")) {
        section = line.substring(1, line.indexOf(']'));
        continue;
      }
      String why = "";
      int c = line.lastIndexOf(" ;; ");
      if (c >= 0) {
        why = line.substring(c + 4);
        line = line.substring(0, c);
      }
      int arrow = line.indexOf(" =>");
      String input = line.substring(0, arrow);
      String expected = line.substring(arrow + 3);
      out.add(
          new Row(
              section,
              i + 1,
              input,
              expected.startsWith(" ") ? expected.substring(1) : expected,
              why));
    }
    return out;
  }

  static Stream<Row> section(String name) {
    return all().stream().filter(r -> r.section().equals(name));
  }

  static Stream<Row> word() {
    return section("word");
  }

  static Stream<Row> words() {
    return section("words");
  }

  static Stream<Row> backtick() {
    return section("backtick");
  }

  private static void check(ShellLexer lexer, Row row) {
    ShellLexer.Env env = ENV::get;
    if (row.expected().startsWith("!")) {
      ExpansionException e =
          assertThrows(
              ExpansionException.class, () -> lexer.processWord(row.input(), env), row.toString());
      assertTrue(
          e.getMessage().contains(row.expected().substring(1)), row + ": got " + e.getMessage());
      return;
    }
    try {
      assertEquals(row.expected(), lexer.processWord(row.input(), env), row.toString());
    } catch (ExpansionException e) {
      throw new AssertionError(row + ": " + e.getMessage(), e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("word")
  void expandsWord(Row row) {
    check(ShellLexer.withEscape('\\'), row);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backtick")
  void expandsWithBacktickEscape(Row row) {
    check(ShellLexer.withEscape('`'), row);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("words")
  void splitsWords(Row row) throws ExpansionException {
    List<String> got = ShellLexer.withEscape('\\').processWords(row.input(), ENV::get);
    assertEquals(row.expected(), String.join("|", got), row.toString());
  }

  /**
   * {@code ${...}} nesting: {@code open} repeated {@code depth} times around {@code $A}, then
   * {@code close} as often. Up to {@link ShellLexer#MAX_NESTING} levels expand; one more is
   * refused, naming the brace (1-based) that goes too deep; 20,000 (a StackOverflowError before) is
   * refused the same way.
   */
  @ParameterizedTest(name = "{0} x{1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
      # the limit itself expands
      ${X:+     | 100   | }   | a
      # one more is refused at the 101st brace: 100 * 5 characters before it, then "$"
      ${X:+     | 101   | }   | !${...} nested more than 100 deep at character 502
      ${X:+     | 20000 | }   | !${...} nested more than 100 deep at character 502
      # the default modifier nests the same way
      ${UNSET:- | 20000 | }   | !${...} nested more than 100 deep at character 902
      # through double quotes: "${X:+"${X:+..."}"}
      "${X:+    | 100   | }"  | a
      "${X:+    | 20000 | }"  | !${...} nested more than 100 deep at character 603
      # through the replacement of ${X/pattern/replacement}
      ${X/x/    | 20000 | }   | !${...} nested more than 100 deep at character 602
      """)
  void limitsNesting(String open, int depth, String close, String expected) {
    String word = open.repeat(depth) + "$A" + close.repeat(depth);
    check(ShellLexer.withEscape('\\'), new Row("nesting", 0, word, expected, depth + " deep"));
  }

  @Test
  void anErrorQuotesALongWordCut() {
    String word = "${X:+".repeat(20_000) + "}".repeat(20_000);
    ExpansionException e =
        assertThrows(
            ExpansionException.class,
            () -> ShellLexer.withEscape('\\').processWord(word, ENV::get));
    assertEquals(
        "failed to process \""
            + "${X:+".repeat(16)
            + "... (120000 characters)\": "
            + "${...} nested more than 100 deep at character 502",
        e.getMessage());
  }

  @Test
  void tableHasTheCorpus() {
    assertTrue(all().size() >= 200, "only " + all().size() + " rows");
  }

  @Test
  void skipUnsetLeavesReferencesAsWritten() throws ExpansionException {
    ShellLexer l = ShellLexer.withEscape('\\').skipUnsetEnv(true);
    assertEquals(
        "$UNSET ${UNSET} ${UNSET:-d} a", l.processWord("$UNSET ${UNSET} ${UNSET:-d} $A", ENV::get));
  }

  @Test
  void rawQuotesAndEscapesKeepThem() throws ExpansionException {
    ShellLexer l = ShellLexer.withEscape('\\').rawQuotes(true).rawEscapes(true);
    assertEquals("'$A' \"a\" \\$A", l.processWord("'$A' \"$A\" \\$A", ENV::get));
  }

  @Test
  void heredocBodyKeepsQuotes() throws ExpansionException {
    ShellLexer l = ShellLexer.withEscape('\\').skipProcessQuotes(true);
    assertEquals("echo \"a\" 'a' $A\n", l.processWord("echo \"$A\" '$A' \\$A\n", ENV::get));
  }

  @Test
  void reportsVariablesUsed() throws ExpansionException {
    assertEquals(
        List.of("A", "UNSET"),
        ShellLexer.withEscape('\\').process("$A ${UNSET:-x}", ENV::get).used());
  }
}
