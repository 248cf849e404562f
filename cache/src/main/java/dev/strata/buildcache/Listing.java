package dev.strata.buildcache;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a file listing, the text whose sha256 is a COPY/ADD step's {@code files} input: a line
 * {@code source SRC[ keep K]} per source, then per entry {@code PATH MODE[ UID:GID]} followed by
 * {@code SIZE HEXDIGEST} for a regular file or {@code -> TARGET} for a symbolic link (nothing more
 * for a directory). Paths may hold spaces, so a line is read from its right end.
 */
final class Listing {
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern OWNER = Pattern.compile("\\d+:\\d+");
  private static final Pattern OCTAL = Pattern.compile("[0-7]+");

  private Listing() {}

  /**
   * One entry.
   *
   * @param key source and path, unique in a listing
   * @param path as the user names it (the path under its source)
   * @param rest everything after the path: what a change shows in
   * @param size a regular file's size, else -1
   */
  record Entry(String key, String path, String rest, long size, boolean dir) {}

  /** The entries of {@code listing} by key, in listing order. */
  static Map<String, Entry> parse(String listing) {
    Map<String, Entry> out = new LinkedHashMap<>();
    String source = "";
    for (String line : listing.split("\n")) {
      if (line.startsWith("source ")) {
        source = line.substring("source ".length());
        continue;
      }
      Entry e = entry(source, line);
      if (e != null) {
        out.put(e.key(), e);
      }
    }
    return out;
  }

  private static Entry entry(String source, String line) {
    String left = line;
    boolean link = false;
    int arrow = line.indexOf(" -> ");
    if (arrow > 0) {
      left = line.substring(0, arrow);
      link = true;
    }
    String[] t = left.split(" ");
    int i = t.length - 1;
    long size = -1;
    if (!link && i >= 2 && HEX.matcher(t[i]).matches()) {
      size = Long.parseLong(t[i - 1]);
      i -= 2;
    }
    if (i >= 1 && OWNER.matcher(t[i]).matches()) {
      i--;
    }
    if (i < 1 || !OCTAL.matcher(t[i]).matches()) {
      return null; // not a line of this form: left out of the comparison
    }
    String path = String.join(" ", java.util.Arrays.copyOfRange(t, 0, i));
    String rest = line.substring(path.length());
    if (path.isEmpty()) {
      path = source; // a source that is one file: its entry is the source itself
    }
    boolean dir = !link && size < 0;
    return new Entry(source + "\0" + path, path, rest, size, dir);
  }

  /** How a changed entry changed, for one line: its size, or else its mode, owner or target. */
  static String change(Entry before, Entry now) {
    if (before.size() >= 0 && now.size() >= 0 && before.size() != now.size()) {
      return " (" + before.size() + " -> " + now.size() + " bytes)";
    }
    if (before.size() >= 0 && before.size() == now.size()) {
      String a = before.rest().substring(0, before.rest().lastIndexOf(' '));
      String b = now.rest().substring(0, now.rest().lastIndexOf(' '));
      return a.equals(b) ? "" : " (mode or owner)";
    }
    return "";
  }
}
