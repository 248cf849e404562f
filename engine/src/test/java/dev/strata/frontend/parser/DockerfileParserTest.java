package dev.strata.frontend.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The untyped tree: what the golden files cannot show (heredoc attributes, directives, lines). */
class DockerfileParserTest {
  @Test
  void heredocAttributes() throws SyntaxException {
    ParseResult r =
        DockerfileParser.parse("FROM a\nRUN 3<<-\"END\" cat <<X\n\tbody\n\tEND\nx\nX\n");
    Node run = r.nodes().get(1);
    assertEquals(2, run.heredocs().size());
    Heredoc end = run.heredocs().get(0);
    assertEquals("END", end.name());
    assertEquals(3, end.fileDescriptor());
    assertTrue(end.chomp());
    assertFalse(end.expand());
    assertEquals("\tbody\n", end.content());
    assertEquals("body\n", end.chompedContent());
    Heredoc x = run.heredocs().get(1);
    assertTrue(x.expand());
    assertEquals("x\n", x.content());
    assertEquals(2, run.startLine());
    assertEquals(6, run.endLine());
  }

  @Test
  void directivesAndWarnings() throws SyntaxException {
    ParseResult r =
        DockerfileParser.parse(
            "# syntax=docker/dockerfile:1\n# escape=`\nFROM a\nRUN x `\n\n  y\n");
    assertEquals("docker/dockerfile:1", r.syntax());
    assertEquals('`', r.escape());
    assertEquals(1, r.warnings().size());
    assertEquals("RUN x   y", r.nodes().get(1).original());
  }

  @Test
  void noDirectiveAfterAnInstruction() throws SyntaxException {
    ParseResult r = DockerfileParser.parse("FROM a\n# syntax=x\n");
    assertNull(r.syntax());
  }

  @Test
  void flagsAreSplitOffWithQuotesRemoved() throws SyntaxException {
    Node n =
        DockerfileParser.parse("COPY --from=\"a b\" --link -- --not-a-flag dest\n").nodes().get(0);
    assertEquals(List.of("--from=a b", "--link"), n.flags());
    assertEquals(List.of("--not-a-flag", "dest"), n.args());
  }

  @Test
  void columnIsWhereTheKeywordStarts() throws SyntaxException {
    Node n = DockerfileParser.parse("FROM a\n\t  run x\n").nodes().get(1);
    assertEquals("RUN", n.keyword());
    assertEquals(4, n.column());
  }

  @Test
  void onbuildParsesItsTrigger() throws SyntaxException {
    Node n = DockerfileParser.parse("ONBUILD copy --chown=1 a b\n").nodes().get(0);
    assertEquals("COPY", n.child().keyword());
    assertEquals(List.of("--chown=1"), n.child().flags());
  }
}
