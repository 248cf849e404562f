package dev.strata.frontend.instructions;

/**
 * Where an instruction came from.
 *
 * @param startLine 1-based first line
 * @param endLine 1-based last line (heredoc bodies included)
 * @param column 1-based column of the keyword
 * @param original the logical line as written (continuations joined)
 */
public record Location(int startLine, int endLine, int column, String original) {
  /** The column of {@code token} in the original text, or the keyword's column. */
  public int columnOf(String token) {
    int i = token == null || token.isEmpty() ? -1 : original.indexOf(token);
    return i < 0 ? column : column + i;
  }
}
