package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class CliLoggingTest {
  @Test
  void oneLinePerRecordWithTheLevelAsTheCliWordsIt() {
    CliLogging.OneLine f = new CliLogging.OneLine(false);
    LogRecord w = new LogRecord(Level.WARNING, "skipped 8 device nodes");
    w.setLoggerName("dev.strata.layer.Unpacker");
    assertEquals("Warning: skipped 8 device nodes" + System.lineSeparator(), f.format(w));
    assertEquals(
        "Error: boom" + System.lineSeparator(), f.format(new LogRecord(Level.SEVERE, "boom")));
    assertEquals("note" + System.lineSeparator(), f.format(new LogRecord(Level.INFO, "note")));
  }

  @Test
  void debugNamesTheLoggerAndPrintsTheStack() {
    LogRecord r = new LogRecord(Level.FINE, "detail");
    r.setLoggerName("dev.strata.x");
    r.setThrown(new IllegalStateException("why"));
    String s = new CliLogging.OneLine(true).format(r);
    assertTrue(s.startsWith("debug: [dev.strata.x] detail"), s);
    assertTrue(s.contains("IllegalStateException: why"), s);
  }

  @Test
  void theLevelFiltersWhatReachesStderr() {
    PrintStream saved = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      CliLogging.configure("error");
      Logger log = Logger.getLogger("dev.strata.cli.test");
      log.warning("hidden at error level");
      log.severe("shown");
      CliLogging.configure("warn");
      log.info("hidden at warn level");
      log.warning("also shown");
    } finally {
      System.setErr(saved);
      CliLogging.configure("info");
    }
    assertEquals(
        "Error: shown" + System.lineSeparator() + "Warning: also shown" + System.lineSeparator(),
        err.toString(StandardCharsets.UTF_8));
  }
}
