package dev.strata.frontend.parser;

import java.util.List;
import java.util.Objects;

/**
 * One instruction of the untyped tree.
 *
 * @param keyword the instruction word upper-cased ({@code RUN}); unknown words are kept as written
 *     upper-cased, and refused only by the typed layer
 * @param flags the leading {@code --name[=value]} words, quotes removed
 * @param args the arguments as this keyword's line parser splits them (JSON arrays decoded; ENV and
 *     LABEL as key, value, separator triples as BuildKit does)
 * @param json whether the arguments were a JSON array (exec form)
 * @param rest the argument text after the flags, as one string
 * @param original the logical line (continuations joined, comments dropped)
 * @param startLine 1-based first line
 * @param endLine 1-based last line, including heredoc bodies
 * @param column 1-based column of the keyword on its first line
 * @param child the sub-instruction of ONBUILD, else null
 */
public record Node(
    String keyword,
    List<String> flags,
    List<String> args,
    boolean json,
    String rest,
    String original,
    List<Heredoc> heredocs,
    int startLine,
    int endLine,
    int column,
    Node child) {
  public Node {
    Objects.requireNonNull(keyword);
    flags = List.copyOf(flags);
    args = List.copyOf(args);
    heredocs = List.copyOf(heredocs);
  }

  Node withLines(int start, int end, int col, List<Heredoc> docs) {
    return new Node(keyword, flags, args, json, rest, original, docs, start, end, col, child);
  }
}
