package dev.strata.frontend.instructions;

import dev.strata.frontend.shell.ExpansionException;
import java.util.List;

/** Expands words with the variables in scope at one instruction (ARG and ENV, ENV winning). */
public interface Expander {
  /** One word: variables expanded, quotes and escapes removed, whitespace kept. */
  String word(String word) throws ExpansionException;

  /** Expanded and split on unquoted whitespace. */
  List<String> words(String word) throws ExpansionException;

  /** A heredoc body: variables expanded, quotes and backslashes left as they are. */
  String heredoc(String body) throws ExpansionException;
}
