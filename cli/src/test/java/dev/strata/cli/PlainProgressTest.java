package dev.strata.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.solver.BuildProgress.Step;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PlainProgressTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PlainProgress p = new PlainProgress(new PrintStream(bytes, true, UTF_8));

  private static void say(PlainProgress p, Step s, String t) {
    byte[] b = t.getBytes(UTF_8);
    p.output(s, b, 0, b.length);
  }

  @Test
  void theFormatTheEndToEndTestsGrepFor() {
    Step from = new Step(0, "0", 1, 3, 1, "FROM busybox");
    Step run = new Step(0, "0", 2, 3, 2, "RUN echo hi");
    Step bad = new Step(0, "0", 3, 3, 3, "RUN exit 7");
    p.started(from);
    p.done(from, null, 0);
    p.started(run);
    say(p, run, "h");
    say(p, run, "i\nno newline");
    p.done(run, "miss", 0.25);
    p.started(bad);
    say(p, bad, "left over");
    p.failed(bad, "Dockerfile:3: RUN exit 7: exit status 7", 0.1);
    p.info("every step cached: no namespace entered");
    p.close();
    assertEquals(
        String.join(
            "\n",
            "[0] STEP 1/3: FROM busybox",
            "[0] STEP 2/3: RUN echo hi",
            "[0 2/3] hi",
            "[0 2/3] no newline",
            "[0 2/3] --> done in 0.3s",
            "[0] STEP 3/3: RUN exit 7",
            "[0 3/3] left over",
            "[0 3/3] --> failed after 0.1s",
            "--> every step cached: no namespace entered",
            ""),
        bytes.toString(UTF_8));
  }

  @Test
  void aStepCutShortKeepsItsLastLineOnClose() {
    Step run = new Step(1, "b", 2, 2, 4, "RUN sleep 9");
    p.started(run);
    say(p, run, "half a line");
    p.close();
    assertTrue(bytes.toString(UTF_8).endsWith("[b 2/2] half a line\n"), bytes.toString(UTF_8));
  }

  @Test
  void twoThreadsNeverTearALine() throws Exception {
    Thread[] ts = new Thread[2];
    for (int t = 0; t < 2; t++) {
      int me = t;
      ts[t] =
          new Thread(
              () -> {
                Step s = new Step(me, "s" + me, me + 1, 2, 1, "RUN loop");
                p.started(s);
                for (int k = 0; k < 1000; k++) {
                  say(p, s, "thread " + me + " line ");
                  say(p, s, k + " end\n");
                }
                p.done(s, "miss", 1);
              });
      ts[t].start();
    }
    for (Thread t : ts) {
      t.join();
    }
    List<String> lines = bytes.toString(UTF_8).lines().toList();
    Pattern out = Pattern.compile("\\[s(\\d) \\d/2\\] thread (\\d) line (\\d+) end");
    int[] next = {0, 0};
    for (String l : lines) {
      if (l.contains("STEP") || l.contains("-->")) {
        continue;
      }
      var m = out.matcher(l);
      assertTrue(m.matches(), "torn line: " + l);
      int th = Integer.parseInt(m.group(2));
      assertEquals(m.group(1), m.group(2), "a line under another step's tag: " + l);
      assertEquals(next[th]++, Integer.parseInt(m.group(3)), "lines of one step in order");
    }
    assertEquals(1000, next[0]);
    assertEquals(1000, next[1]);
  }
}
