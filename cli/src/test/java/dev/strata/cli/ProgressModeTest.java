package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProgressModeTest {
  @ParameterizedTest
  @CsvSource(
      nullValues = "null",
      value = {
        // word, stderr is a tty, TERM, mode
        "auto, true, xterm-256color, TTY",
        "auto, true, dumb, PLAIN", // emacs shells, CI logs: Docker draws plain here too
        "auto, true, null, PLAIN", // no TERM: nothing says escapes work
        "auto, false, xterm, PLAIN", // a pipe or a file
        "null, true, xterm, TTY", // the option's default is auto
        "tty, false, null, TTY", // forced, as docker build --progress tty
        "PLAIN, true, xterm, PLAIN",
        "json, true, xterm, JSON",
      })
  void resolve(String word, boolean tty, String term, ProgressMode mode) {
    assertEquals(mode, ProgressMode.resolve(word, tty, term));
  }

  @Test
  void anUnknownWordIsRefusedNamingTheChoices() {
    var e =
        assertThrows(
            ProgressMode.UnknownModeException.class,
            () -> ProgressMode.resolve("fancy", true, "xterm"));
    assertEquals("--progress fancy: want auto, plain, tty or json", e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // argv | argv of the JVM inside the namespace
        "build -t x ctx | --progress=tty build -t x ctx",
        "--progress auto build ctx | --progress=tty build ctx",
        "build --progress=auto ctx | --progress=tty build ctx",
        "build ctx -- --progress | --progress=tty build ctx -- --progress", // after --: an argument
      })
  void theInnerJvmGetsTheResolvedMode(String argv, String inner) {
    List<String> got = BuildCommand.withProgress(Arrays.asList(argv.split(" ")), ProgressMode.TTY);
    assertEquals(Arrays.asList(inner.split(" ")), got);
  }

  @Test
  void terminalWidthFromColumnsElseTheKernelElse80() {
    assertEquals(132, Terminal.columns(Map.of("COLUMNS", "132"), -1));
    assertEquals(80, Terminal.columns(Map.of("COLUMNS", "wide"), -1));
    assertEquals(80, Terminal.columns(Map.of(), -1));
    assertEquals(0, Terminal.ioctlColumns(-1), "ioctl on a bad descriptor: no width");
    assertFalse(Terminal.isTty(-1));
  }
}
