package dev.strata.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code --progress} word: how build events are shown on stderr. {@code auto} is resolved once,
 * in the first JVM, as Docker's BuildKit does: the live view when stderr is a terminal whose TERM
 * is not {@code dumb}, else plain lines. The resolved word is handed to the JVM that re-executes
 * inside the namespace, so both draw the same way whatever its environment holds.
 */
enum ProgressMode {
  PLAIN,
  TTY,
  JSON;

  /** Thrown for a word that names no mode. */
  static final class UnknownModeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UnknownModeException(String word) {
      super(unknown(word));
    }
  }

  /** The error for a word that names no mode. */
  static String unknown(String word) {
    return "--progress " + word + ": want auto, plain, tty or json";
  }

  /**
   * The mode {@code word} means here.
   *
   * @param stderrIsTty whether descriptor 2 is a terminal
   * @param term the value of $TERM, or null
   */
  static ProgressMode resolve(String word, boolean stderrIsTty, String term) {
    String w = word == null ? "auto" : word.strip().toLowerCase(Locale.ROOT);
    return switch (w) {
      case "auto" ->
          stderrIsTty && term != null && !term.isEmpty() && !term.equals("dumb") ? TTY : PLAIN;
      case "plain" -> PLAIN;
      case "tty" -> TTY;
      case "json" -> JSON;
      default -> throw new UnknownModeException(word);
    };
  }

  /** Whether {@code word} names a mode here ({@code auto} included). */
  static boolean known(String word) {
    String w = word == null ? "auto" : word.strip().toLowerCase(Locale.ROOT);
    return w.equals("auto") || w.equals("plain") || w.equals("tty") || w.equals("json");
  }

  /** The word the re-executed JVM is given. */
  String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** A view of this mode writing to {@code err} (stderr); the caller closes it. */
  ProgressView open(PrintStream err, Map<String, String> env) {
    return switch (this) {
      case PLAIN -> new PlainProgress(err);
      case JSON -> new JsonProgress(err);
      case TTY ->
          new TtyProgress(
              err,
              () -> Terminal.columns(env, Terminal.STDERR),
              System::nanoTime,
              TtyProgress.FRAME_MILLIS);
    };
  }
}
