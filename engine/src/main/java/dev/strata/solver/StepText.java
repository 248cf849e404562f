package dev.strata.solver;

/**
 * A step's text as a one-line error quotes it. A RUN may be megabytes long (a generated line, an
 * inlined script), and the error must stay a line a terminal shows: the start, then how long it
 * was.
 */
public final class StepText {
  /** Characters of a step kept in an error; enough to recognise the line. */
  static final int SHOWN = 80;

  private StepText() {}

  public static String clip(String text) {
    String t = text.strip().replace('\n', ' ');
    return t.length() <= SHOWN ? t : t.substring(0, SHOWN) + "... (" + t.length() + " characters)";
  }
}
