package dev.strata.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * What the engine logs (java.util.logging) as the CLI shows it: one line per record on stderr,
 * {@code Warning: ...} as podman's {@code WARN ...} and the CLI's own {@code Error: ...} lines, at
 * the level {@code --log-level} chooses (error, warn, info, debug). JUL's default handler printed
 * two lines per record, a timestamp and class first, which no build log wants.
 */
final class CliLogging {
  private CliLogging() {}

  /** The words {@code --log-level} takes, for its error message. */
  static final String LEVELS = "error, warn, info or debug";

  /** The level {@code --log-level WORD} means, or empty when it names none. */
  static Optional<Level> level(String logLevel) {
    return switch (logLevel == null ? "info" : logLevel.strip().toLowerCase(Locale.ROOT)) {
      case "error" -> Optional.of(Level.SEVERE);
      case "warn", "warning" -> Optional.of(Level.WARNING);
      case "info" -> Optional.of(Level.INFO);
      case "debug" -> Optional.of(Level.FINE);
      default -> Optional.empty();
    };
  }

  /**
   * Installs the one-line handler on the root logger in place of any other; idempotent. A word that
   * names no level (refused before, by the command line) counts as info.
   */
  static void configure(String logLevel) {
    Level level = level(logLevel).orElse(Level.INFO);
    Logger root = Logger.getLogger("");
    for (Handler h : root.getHandlers()) {
      root.removeHandler(h);
    }
    Handler h =
        new StreamHandler(System.err, new OneLine(level == Level.FINE)) {
          @Override
          public synchronized void publish(LogRecord r) {
            super.publish(r);
            flush(); // a warning shows when it happens, not at exit
          }
        };
    h.setLevel(level);
    root.setLevel(level);
    root.addHandler(h);
  }

  /** "Warning: MESSAGE"; with debug, the logger's name and any stack trace too. */
  static final class OneLine extends Formatter {
    private final boolean debug;

    OneLine(boolean debug) {
      this.debug = debug;
    }

    @Override
    public String format(LogRecord r) {
      Level l = r.getLevel();
      String prefix =
          l.intValue() >= Level.SEVERE.intValue()
              ? "Error: "
              : l.intValue() >= Level.WARNING.intValue()
                  ? "Warning: "
                  : l.intValue() >= Level.INFO.intValue() ? "" : "debug: ";
      StringBuilder sb = new StringBuilder(prefix);
      if (debug) {
        sb.append('[').append(r.getLoggerName()).append("] ");
      }
      sb.append(formatMessage(r)).append(System.lineSeparator());
      if (debug && r.getThrown() != null) {
        StringWriter w = new StringWriter();
        r.getThrown().printStackTrace(new PrintWriter(w));
        sb.append(w);
      }
      return sb.toString();
    }
  }
}
