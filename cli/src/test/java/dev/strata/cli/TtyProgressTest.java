package dev.strata.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.solver.BuildProgress.Step;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TtyProgressTest {
  private static final long S = 1_000_000_000L;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, UTF_8);
  private final AtomicLong now = new AtomicLong(1000 * S);

  private static final Step FROM = new Step(0, "builder", 1, 4, 1, "FROM golang");
  private static final Step COPY = new Step(0, "builder", 2, 4, 2, "COPY go.mod .");
  private static final Step BUILD = new Step(0, "builder", 3, 4, 3, "RUN go build -o /app .");
  private static final Step TEST = new Step(1, "1", 4, 4, 6, "RUN  make \\\n  test");

  private TtyProgress view(int columns) {
    return new TtyProgress(out, () -> columns, now::get, 0);
  }

  private String text() {
    return bytes.toString(UTF_8);
  }

  /** Runs of spaces as one: the alignment is fitCutsAndAligns's concern. */
  private static List<String> squeezed(List<String> lines) {
    return lines.stream().map(l -> l.replaceAll(" +", " ")).toList();
  }

  private static void say(TtyProgress p, Step s, String text) {
    byte[] b = text.getBytes(UTF_8);
    p.output(s, b, 0, b.length);
  }

  @Test
  void liveFrameShowsRunningStepsWithTimeAndLastLineThenCollapsesThem() {
    TtyProgress p = view(100);
    p.started(FROM);
    p.done(FROM, null, 0.04);
    p.started(COPY);
    p.done(COPY, "hit", 0.0);
    p.started(BUILD);
    p.started(TEST);
    say(p, BUILD, "go: downloading x\ncompiling ");
    say(p, BUILD, "main.go");
    say(p, TEST, "ok  pkg 0.1s\n");
    assertEquals("", text(), "nothing is drawn between frames");
    now.addAndGet(3 * S + S / 5);
    p.tick();
    List<String> live = squeezed(Screen.of(text(), 100).lines());
    assertEquals(
        List.of(
            "=> [builder 1/4] FROM golang 0.0s",
            "=> CACHED [builder 2/4] COPY go.mod . 0.0s",
            "[+] Building 3.2s (2/4)",
            "=> [builder 3/4] RUN go build -o /app . # compiling main.go 3.2s",
            "=> [1 4/4] RUN make \\ test # ok pkg 0.1s 3.2s",
            ""),
        live);
    p.done(BUILD, "miss", 3.3);
    p.tick();
    p.done(TEST, "miss", 3.5);
    p.close();
    Screen screen = Screen.of(text(), 100);
    List<String> fin = squeezed(screen.lines());
    assertTrue(
        screen.lines().get(2).endsWith(" 3.3s") && screen.lines().get(2).length() == 99,
        "times end in the last column but one: " + screen.lines().get(2));
    assertEquals(
        List.of(
            "=> [builder 1/4] FROM golang 0.0s",
            "=> CACHED [builder 2/4] COPY go.mod . 0.0s",
            "=> [builder 3/4] RUN go build -o /app . 3.3s",
            "=> [1 4/4] RUN make \\ test 3.5s",
            "[+] Building 3.2s (4/4) FINISHED",
            ""),
        fin);
    assertEquals(0, screen.cursorCol(), "the cursor is left below, at the start of a line");
    assertEquals(0, screen.wraps(), "no line wrapped");
  }

  @Test
  void failedStepShowsItsWholeOutputTheDockerfileLineAndTheMessage() {
    TtyProgress p = new TtyProgress(out, () -> 60, now::get, 0, 1024); // spills past 1 KiB
    p.started(BUILD);
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < 400; i++) {
      String l = "line " + i + " of the compiler's complaint\n";
      all.append(l);
      say(p, BUILD, l);
      if (i % 100 == 0) {
        p.tick();
      }
    }
    say(p, BUILD, "no newline at the end");
    all.append("no newline at the end\n");
    p.started(TEST);
    p.failed(BUILD, "Dockerfile:3: RUN go build -o /app .: exit status 2", 1.5);
    p.failed(TEST, "interrupted", 0.2);
    p.close();
    String shown = Screen.of(text(), 60).text();
    assertTrue(shown.contains("=> ERROR [builder 3/4] RUN go build -o /app ."), shown);
    assertTrue(shown.contains("=> CANCELED [1 4/4] RUN make \\ test"), shown);
    assertTrue(
        shown.contains("------\n > [builder 3/4] RUN go build -o /app .:\n" + all + "------\n"),
        shown);
    assertTrue(
        shown.contains(
            "    3 | >>> RUN go build -o /app .\nERROR: Dockerfile:3: RUN go build -o /app .: exit status 2\n"),
        shown);
    assertTrue(shown.endsWith("(2/4) FAILED\n"), shown);
    assertFalse(
        shown.contains("[+] Building 0.0s (0/4)\n"), "no live header is left over: " + shown);
    assertFalse(shown.contains("interrupted"), "a cancelled step shows no output block");
  }

  @Test
  void aViewThatReceivedNothingPrintsNothing() {
    TtyProgress p = new TtyProgress(out, () -> 80, now::get, TtyProgress.FRAME_MILLIS);
    p.close();
    p.close();
    assertEquals("", text());
  }

  @Test
  void manyRunningStepsKeepTheLiveRegionShort() {
    TtyProgress p = view(80);
    for (int n = 1; n <= 14; n++) {
      p.started(new Step(n, "s" + n, n, 14, 1, "RUN sleep " + n));
    }
    p.tick();
    p.tick(); // the second frame moves up over the first, which must be just as tall
    List<String> live = Screen.of(text(), 80).lines();
    assertEquals(1 + TtyProgress.MAX_LIVE_STEPS + 1 + 1, live.size(), String.join("\n", live));
    assertEquals("=> ... and 4 more running", live.get(11));
    assertTrue(live.get(10).startsWith("=> [s10 10/14] RUN sleep 10 "), live.get(10));
  }

  @Test
  void linesWithoutStepsAreShownWithoutASummary() {
    TtyProgress p = view(80);
    p.info("Copying blob 1a2b3c4d5e6f done (1200 bytes)");
    p.warning(null, "no history in the base");
    p.close();
    assertEquals(
        List.of(
            "--> Copying blob 1a2b3c4d5e6f done (1200 bytes)", "WARN: no history in the base", ""),
        Screen.of(text(), 80).lines());
  }

  @Test
  void twoThreadsInterleavingEndWithEveryStepCollapsed() throws Exception {
    TtyProgress p = new TtyProgress(out, () -> 80, System::nanoTime, 1);
    Thread[] ts = new Thread[2];
    for (int t = 0; t < 2; t++) {
      int stage = t;
      ts[t] =
          new Thread(
              () -> {
                for (int n = 1; n <= 50; n++) {
                  Step s = new Step(stage, "s" + stage, stage * 50 + n, 100, n, "RUN echo " + n);
                  p.started(s);
                  for (int k = 0; k < 20; k++) {
                    say(p, s, "out " + k + (k % 3 == 0 ? "\n" : ""));
                  }
                  p.done(s, n % 2 == 0 ? "hit" : "miss", 0.1);
                }
              });
      ts[t].start();
    }
    for (Thread t : ts) {
      t.join();
    }
    p.close();
    Screen screen = Screen.of(text(), 80);
    assertEquals(0, screen.wraps(), "no line wrapped");
    List<String> lines = screen.lines();
    for (int stage = 0; stage < 2; stage++) {
      for (int n = 1; n <= 50; n++) {
        String tag = "[s" + stage + " " + (stage * 50 + n) + "/100] RUN echo " + n;
        String want = (n % 2 == 0 ? "=> CACHED " : "=> ") + tag;
        assertEquals(
            1,
            lines.stream().filter(l -> l.startsWith(want + " ")).count(),
            want + " in\n" + lines);
      }
    }
    assertEquals(102, lines.size(), "100 steps, the summary, the cursor's line: " + lines);
    assertTrue(lines.get(100).endsWith("(100/100) FINISHED"), lines.get(100));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // left | right | width | shown
        "abc | 1.0s | 10 | abc   1.0s",
        "abcdefghij | 1.0s | 10 | ab... 1.0s", // cut to leave the time its column
        "abcdefghij | '' | 8 | abcde...",
        "ab | '' | 8 | ab",
        "日本語テキスト | 2s | 8 | 日本... 2s", // code points, not chars of UTF-16
      })
  void fitCutsAndAligns(String left, String right, int width, String shown) {
    assertEquals(shown, TtyProgress.fit(left, right, width));
  }
}
