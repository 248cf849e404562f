package dev.strata.frontend.ignore;

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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * .dockerignore matching, table-driven from {@code src/test/resources/frontend/dockerignore.table}.
 */
class DockerIgnoreTest {
  record Row(String section, int line, String patterns, String path, String expected, String why) {
    @Override
    public String toString() {
      return line + ": [" + patterns + "] " + path + " => " + expected + " (" + why + ")";
    }

    /** The ignore file: one pattern per line ("! spaced-exception" keeps its inner space). */
    String file() {
      return patterns
          .strip()
          .replaceAll("(?<=!) (?=\\S)", "\u0000")
          .replace(' ', '\n')
          .replace('\u0000', ' ');
    }
  }

  static List<Row> all() {
    List<String> lines;
    try {
      lines =
          Files.readAllLines(
              Path.of("src/test/resources/frontend/dockerignore.table"), StandardCharsets.UTF_8);
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
      String why = line.substring(line.lastIndexOf(" ;; ") + 4);
      line = line.substring(0, line.lastIndexOf(" ;; "));
      int arrow = line.lastIndexOf(" => ");
      String left = line.substring(0, arrow);
      String expected = line.substring(arrow + 4);
      int bar = left.lastIndexOf(" | ");
      String patterns = bar < 0 ? left : left.substring(0, bar);
      String path = bar < 0 ? null : left.substring(bar + 3);
      if (left.startsWith("| ")) {
        patterns = "";
        path = left.substring(2);
      }
      out.add(new Row(section, i + 1, patterns, path, expected, why));
    }
    return out;
  }

  static Stream<Row> match() {
    return all().stream().filter(r -> r.section().equals("match"));
  }

  static Stream<Row> skip() {
    return all().stream().filter(r -> r.section().equals("skip"));
  }

  static Stream<Row> error() {
    return all().stream().filter(r -> r.section().equals("error"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("match")
  void matches(Row row) throws IgnorePatternException {
    DockerIgnore ignore = DockerIgnore.parse(row.file());
    assertEquals(
        row.expected().equals("yes"),
        ignore.isExcluded(row.path()),
        row + " patterns " + ignore.patterns());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("skip")
  void skipsDirectories(Row row) throws IgnorePatternException {
    DockerIgnore ignore = DockerIgnore.parse(row.file());
    assertEquals(row.expected().equals("yes"), ignore.canSkipDirectory(row.path()), row.toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("error")
  void refusesBadPatterns(Row row) {
    IgnorePatternException e =
        assertThrows(
            IgnorePatternException.class, () -> DockerIgnore.parse(row.patterns()), row.toString());
    assertTrue(e.getMessage().contains(row.expected()), row + ": " + e.getMessage());
  }

  @Test
  void tableHasTheCorpus() {
    assertTrue(all().size() >= 80, "only " + all().size() + " rows");
  }

  @Test
  void skippableDirectoriesHideEverythingBelow() throws IgnorePatternException {
    // Property over the skip table: whatever canSkipDirectory says yes to, every path under it
    // that we try must be excluded (otherwise skipping would lose files).
    for (Row r : skip().toList()) {
      DockerIgnore ignore = DockerIgnore.parse(r.file());
      if (ignore.canSkipDirectory(r.path())) {
        for (String child :
            List.of("keep.md", "important", "x.keep", "sub/c", "b/c", "dir", "a.md", "other/x")) {
          assertTrue(
              ignore.isExcluded(r.path() + "/" + child), r + ": " + child + " would be lost");
        }
      }
    }
  }

  @Test
  void commentsAndBomAndCrlf() throws IgnorePatternException {
    DockerIgnore ignore = DockerIgnore.parse("\uFEFF# comment\r\n*.tmp\r\n  # not a comment  \r\n");
    assertEquals(List.of("*.tmp", "# not a comment"), ignore.patterns());
    assertTrue(ignore.isExcluded("a.tmp"));
  }
}
