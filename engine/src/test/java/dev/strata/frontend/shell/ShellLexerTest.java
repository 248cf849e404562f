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
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Word expansion, table-driven (after BuildKit's envVarTest and wordsTest). The rows live in
 * {@code src/test/resources/frontend/shell-expansion.table}, plain text so backslashes need no
 * second escaping: {@code input => expected ;; why}, under {@code [word]} (one word),
 * {@code [words]} (split, joined with |) and {@code [backtick]} (escape token `).
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
      lines = Files.readAllLines(Path.of("src/test/resources/frontend/shell-expansion.table"), StandardCharsets.UTF_8);
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
      out.add(new Row(section, i + 1, input, expected.startsWith(" ") ? expected.substring(1) : expected, why));
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
          assertThrows(ExpansionException.class, () -> lexer.processWord(row.input(), env), row.toString());
      assertTrue(e.getMessage().contains(row.expected().substring(1)), row + ": got " + e.getMessage());
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

  @Test
  void tableHasTheCorpus() {
    assertTrue(all().size() >= 200, "only " + all().size() + " rows");
  }

  @Test
  void skipUnsetLeavesReferencesAsWritten() throws ExpansionException {
    ShellLexer l = ShellLexer.withEscape('\\').skipUnsetEnv(true);
    assertEquals("$UNSET ${UNSET} ${UNSET:-d} a", l.processWord("$UNSET ${UNSET} ${UNSET:-d} $A", ENV::get));
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
    assertEquals(List.of("A", "UNSET"), ShellLexer.withEscape('\\').process("$A ${UNSET:-x}", ENV::get).used());
  }
}
