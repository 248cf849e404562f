package dev.strata.frontend.parser;

/**
 * One here-document attached to an instruction, as written: {@code content} is the raw body (each
 * line with its line ending, leading tabs not yet removed for {@code <<-}).
 *
 * @param name the delimiter word without quotes ({@code EOF})
 * @param fileDescriptor the number before {@code <<} (0 when absent)
 * @param expand whether variables in the body expand (false when the delimiter is quoted)
 * @param chomp whether leading tabs are removed ({@code <<-})
 */
public record Heredoc(
    String name, int fileDescriptor, boolean expand, boolean chomp, String content) {
  /** The body as a file or shell would get it: for {@code <<-}, leading tabs removed per line. */
  public String chompedContent() {
    if (!chomp) {
      return content;
    }
    return content.replaceAll("(?m)^\t+", "");
  }
}
