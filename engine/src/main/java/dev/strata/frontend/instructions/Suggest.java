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

  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
