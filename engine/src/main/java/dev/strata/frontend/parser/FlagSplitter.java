package dev.strata.frontend.parser;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits the leading {@code --name[=value]} words off an instruction's arguments, removing quotes
 * and backslash escapes inside them (BuildKit's extractBuilderFlags). Flags end at the first word
 * that does not start with {@code --}, or at a lone {@code --}.
 */
final class FlagSplitter {
  private FlagSplitter() {}

  /** Returns the flags; {@code rest[0]} receives the remaining text. */
  static List<String> split(String line, String[] rest) {
    final int inSpaces = 0;
    final int inWord = 1;
    final int inQuote = 2;
    List<String> words = new ArrayList<>();
    int phase = inSpaces;
    StringBuilder word = new StringBuilder();
    char quote = 0;
    boolean blankOk = false;
    int n = line.length();
    for (int pos = 0; pos <= n; pos++) {
      char ch = pos < n ? line.charAt(pos) : 0;
      if (phase == inSpaces) {
        if (pos == n) {
          break;
        }
        if (Character.isWhitespace(ch)) {
          continue;
        }
        if (ch != '-' || pos + 1 == n || line.charAt(pos + 1) != '-') {
          rest[0] = line.substring(pos);
          return words;
        }
        phase = inWord;
      }
      if (pos == n) {
        if (!word.toString().equals("--") && (blankOk || word.length() > 0)) {
          words.add(word.toString());
        }
        break;
      }
      if (phase == inWord) {
        if (Character.isWhitespace(ch)) {
          phase = inSpaces;
          if (word.toString().equals("--")) {
            rest[0] = line.substring(pos);
            return words;
          }
          if (blankOk || word.length() > 0) {
            words.add(word.toString());
          }
          word.setLength(0);
          blankOk = false;
          continue;
        }
        if (ch == '\'' || ch == '"') {
          quote = ch;
          blankOk = true;
          phase = inQuote;
          continue;
        }
        if (ch == '\\') {
          if (pos + 1 == n) {
            continue;
          }
          ch = line.charAt(++pos);
        }
        word.append(ch);
        continue;
      }
      // inQuote
      if (ch == quote) {
        phase = inWord;
        continue;
      }
      if (ch == '\\') {
        if (pos + 1 == n) {
          phase = inWord;
          continue;
        }
        ch = line.charAt(++pos);
      }
      word.append(ch);
    }
    rest[0] = "";
    return words;
  }
}
