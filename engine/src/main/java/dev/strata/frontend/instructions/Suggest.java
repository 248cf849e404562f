package dev.strata.frontend.instructions;

import java.util.Collection;
import java.util.Locale;

/** "did you mean": the closest candidate within a small edit distance (as BuildKit's suggest). */
final class Suggest {
  private Suggest() {}

  static String closest(String word, Collection<String> candidates) {
    String w = word.toLowerCase(Locale.ROOT);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = distance(w, c.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    // Allow about one edit in three letters, at least one.
    int limit = Math.max(1, w.length() / 3);
    return bestDistance <= limit ? best : null;
  }

  static String didYouMean(String word, Collection<String> candidates) {
    String s = closest(word, candidates);
    return s == null ? "" : " (did you mean " + s + "?)";
  }

  /** Edit distance counting a swap of two neighbours as one edit (FORM for FROM). */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
