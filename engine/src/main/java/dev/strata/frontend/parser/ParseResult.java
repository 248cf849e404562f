package dev.strata.frontend.parser;

import java.util.List;

/**
 * A parsed Dockerfile: its instructions, the escape token in effect, the {@code # syntax=}
 * directive if any, and warnings (empty continuation lines).
 */
public record ParseResult(List<Node> nodes, char escape, String syntax, List<String> warnings) {
  public ParseResult {
    nodes = List.copyOf(nodes);
    warnings = List.copyOf(warnings);
  }
}
