package dev.strata.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A tiny terminal for the tty renderer's tests: applies the escapes {@link TtyProgress} writes
 * (cursor up, clear to end of screen or line, colours ignored) to a grid of lines, so a test sees
 * what a user would see after the last frame rather than every frame's text run together. Any other
 * escape fails the test. A line wider than the terminal wraps, as a terminal wraps it (counted in
 * {@link #wraps}: the live region must never wrap, or cursor-up misses its lines).
 */
final class Screen {
  private final int width;
  private final List<StringBuilder> lines = new ArrayList<>();
  private int row;
  private int col;
  private int wraps;

  Screen(int width) {
    this.width = width;
    lines.add(new StringBuilder());
  }

  static Screen of(String output, int width) {
    Screen s = new Screen(width);
    s.feed(output);
    return s;
  }

  /** Removes every CSI escape: the text the output holds, frames run together. */
  static String stripAnsi(String s) {
    return s.replaceAll("\u001b\\[[0-9;?]*[ -/]*[@-~]", "");
  }

  void feed(String s) {
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '\u001b') {
        if (i + 1 >= s.length() || s.charAt(i + 1) != '[') {
          throw new AssertionError("an escape that is not CSI at " + i);
        }
        int j = i + 2;
        while (j < s.length() && (Character.isDigit(s.charAt(j)) || s.charAt(j) == ';')) {
          j++;
        }
        String arg = s.substring(i + 2, j);
        int n = arg.isEmpty() ? 1 : Integer.parseInt(arg);
        switch (s.charAt(j)) {
          case 'A' -> row = Math.max(0, row - n);
          case 'J' -> {
            line().setLength(Math.min(col, line().length()));
            while (lines.size() > row + 1) {
              lines.remove(lines.size() - 1);
            }
          }
          case 'K' -> line().setLength(Math.min(col, line().length()));
          case 'm' -> {}
          default -> throw new AssertionError("unexpected escape CSI " + arg + s.charAt(j));
        }
        i = j + 1;
      } else if (c == '\r') {
        col = 0;
        i++;
      } else if (c == '\n') {
        row++;
        col = 0;
        while (lines.size() <= row) {
          lines.add(new StringBuilder());
        }
        i++;
      } else {
        if (col >= width) { // xterm's deferred wrap: the next printable goes to the next line
          wraps++;
          row++;
          col = 0;
          while (lines.size() <= row) {
            lines.add(new StringBuilder());
          }
        }
        StringBuilder l = line();
        while (l.length() < col) {
          l.append(' ');
        }
        if (col < l.length()) {
          l.setCharAt(col, c);
        } else {
          l.append(c);
        }
        col++;
        i++;
      }
    }
  }

  private StringBuilder line() {
    return lines.get(row);
  }

  /** The lines on screen, the cursor's (empty) line last when it is below the text. */
  List<String> lines() {
    return lines.stream().map(StringBuilder::toString).toList();
  }

  /** How many times a line wrapped. */
  int wraps() {
    return wraps;
  }

  int cursorRow() {
    return row;
  }

  int cursorCol() {
    return col;
  }

  String text() {
    return String.join("\n", lines());
  }
}
