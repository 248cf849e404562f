package dev.strata.cli;

import static dev.strata.cli.StrataProcess.run;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.oci.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code strata build --progress}, end to end through bin/strata and its re-executed JVM. */
class ProgressIT {
  @TempDir Path dir;

  @AfterEach
  void emptyTempDir() throws Exception {
    StrataProcess.removeContents(dir);
  }

  private Path store() throws Exception {
    return StrataProcess.busyboxStore(dir);
  }

  private Path context(String dockerfile) throws Exception {
    return StrataProcess.context(dir, dockerfile, Map.of());
  }

  private String ctx(String dockerfile) throws Exception {
    return context(dockerfile).toString();
  }

  private static List<JsonNode> lines(String err) {
    List<JsonNode> l = new ArrayList<>();
    for (String line : err.split("\n")) {
      l.add(Json.parseObject(line.getBytes(UTF_8))); // every line of stderr is one event
    }
    return l;
  }

  private static StrataProcess.Result build(Path store, Map<String, String> env, String... args)
      throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(StrataProcess.bin().toString(), "--root", store.toString(), "build"));
    cmd.addAll(List.of(args));
    return run(cmd, env);
  }

  @Test
  void jsonIsOneEventPerLineAndEachStepStartsOnceAndEnds() throws Exception {
    Path s = store();
    // a fresh store: both stages need busybox's layer unpacked at the same time (one unpack)
    // two stages with no dependency build at the same time: their events interleave
    Path ctx =
        context(
            "FROM busybox AS a\nRUN for i in 1 2 3; do echo a$i; done; touch /a\n"
                + "FROM busybox AS b\nRUN echo b1 && echo b2 >&2 && touch /b\n"
                + "FROM busybox\nCOPY --from=a /a /a\nCOPY --from=b /b /b\n");
    StrataProcess.Result r =
        build(s, Map.of(), "--progress", "json", "-t", "p:1", ctx.toString()).ok();
    List<JsonNode> ev = lines(r.err());
    Map<Integer, List<String>> perStep = new LinkedHashMap<>();
    Map<Integer, StringBuilder> output = new LinkedHashMap<>();
    for (JsonNode e : ev) {
      if (e.has("step")) {
        int n = e.get("step").asInt();
        perStep.computeIfAbsent(n, k -> new ArrayList<>()).add(e.get("event").asText());
        assertEquals(7, e.get("total").asInt(), e.toString());
        if (e.has("data")) {
          output.computeIfAbsent(n, k -> new StringBuilder()).append(e.get("data").asText());
        }
      }
    }
    assertEquals(
        List.of(1, 2, 3, 4, 5, 6, 7), perStep.keySet().stream().sorted().toList(), r.err());
    perStep.forEach(
        (n, names) -> {
          assertEquals("started", names.get(0), "step " + n + " starts once, first: " + names);
          assertEquals("done", names.get(names.size() - 1), "step " + n + ": " + names);
          assertEquals(
              1,
              names.stream().filter(x -> x.equals("started")).count(),
              "step " + n + ": " + names);
        });
    assertEquals("a1\na2\na3\n", output.get(2).toString());
    assertEquals(List.of("b1", "b2"), output.get(4).toString().lines().sorted().toList());
    JsonNode run =
        ev.stream()
            .filter(e -> e.get("event").asText().equals("started") && e.get("step").asInt() == 2)
            .findFirst()
            .orElseThrow();
    assertEquals("a", run.get("stageName").asText());
    assertEquals(2, run.get("line").asInt());
    assertTrue(run.get("text").asText().startsWith("RUN for i in"), run.toString());
    assertTrue(ev.get(ev.size() - 1).get("message").asText().contains("7 steps"), r.err());

    // the rebuild is served by the first JVM: still only JSON, with the fast path as an info event
    StrataProcess.Result again =
        build(s, Map.of(), "--progress=json", "-t", "p:1", ctx.toString()).ok();
    List<JsonNode> ev2 = lines(again.err());
    assertTrue(
        ev2.stream()
            .anyMatch(
                e ->
                    e.get("event").asText().equals("info")
                        && e.get("message")
                            .asText()
                            .equals("every step cached: no namespace entered")),
        again.err());
    assertEquals(
        4,
        ev2.stream().filter(e -> "hit".equals(e.path("cache").asText(null))).count(),
        again.err());
  }

  @Test
  void ttyShowsTheFailingRunsWholeOutputWithItsDockerfileLine() throws Exception {
    Path s = store();
    Path ctx =
        context(
            "FROM busybox\nRUN echo fine\nRUN i=1; while [ $i -le 300 ]; do echo \"complaint $i\"; "
                + "i=$((i+1)); done; exit 3\n");
    // stderr is a file here: tty is forced by the flag, the width by COLUMNS
    StrataProcess.Result r = build(s, Map.of("COLUMNS", "72"), "--progress", "tty", ctx.toString());
    assertEquals(1, r.exit(), r.err());
    Screen screen = Screen.of(r.err(), 72);
    String shown = screen.text();
    String all =
        IntStream.rangeClosed(1, 300)
            .mapToObj(i -> "complaint " + i + "\n")
            .collect(Collectors.joining());
    assertTrue(
        shown.contains(":\n" + all + "------\n"), "the whole output, once, in order: " + shown);
    assertTrue(shown.contains("    3 | >>> RUN i=1; while"), shown);
    assertTrue(shown.contains("ERROR: Dockerfile:3: RUN"), shown);
    assertTrue(Screen.stripAnsi(r.err()).contains(": exit status 3\n"), shown);
    assertTrue(shown.contains("=> [0 2/3] RUN echo fine "), "the step before collapsed: " + shown);
    assertTrue(shown.contains("=> ERROR [0 3/3] RUN i=1;"), shown);
    assertEquals(
        1,
        Screen.stripAnsi(r.err()).split("\\) FAILED\n", -1).length - 1,
        "one final frame: the first JVM drew nothing before re-executing: " + shown);
    assertFalse(shown.contains("Building 0.0s (0/3)\n=>"), "no live region is left: " + shown);
    for (String line : shown.split("\n")) {
      if (line.startsWith("=> ")) {
        assertTrue(line.length() <= 71, "cut to COLUMNS-1: " + line);
      }
    }
  }

  /** A build under a real terminal: script(1) gives it a pty of {@code cols} columns. */
  private static StrataProcess.Result inPty(Path store, String term, int cols, Path ctx)
      throws Exception {
    StrataProcess.requireTool("script", "bsdutils");
    String cmd =
        "stty cols "
            + cols
            + "; exec env -u COLUMNS TERM="
            + term
            + " "
            + StrataProcess.bin()
            + " --root "
            + store
            + " build -t pty "
            + ctx;
    return run(List.of("script", "-qfec", cmd, "/dev/null"), Map.of());
  }

  @Test
  void autoDrawsLiveOnATerminalCutToItsWidthAndPlainForTermDumb() throws Exception {
    Path s = store();
    Path ctx =
        context(
            "FROM busybox\nRUN echo a long line of output that is wider than fifty columns, surely\n"
                + "RUN echo a second step whose text is also far wider than the terminal is\n");
    StrataProcess.Result live = inPty(s, "xterm", 50, ctx).ok();
    String out = Screen.stripAnsi(live.out());
    assertTrue(
        out.contains("[+] Building") && out.contains(") FINISHED"),
        "isatty(2) and TERM=xterm: tty\n" + out);
    assertFalse(out.contains("STEP 1/"), out);
    Screen screen = Screen.of(live.out(), 50);
    assertEquals(
        1,
        screen.lines().stream().filter(l -> l.startsWith("=> [0 2/3] RUN echo a long")).count(),
        String.join("\n", screen.lines()));
    for (String line : screen.lines()) { // (the image id on stdout is not the view's: it wraps)
      if (line.startsWith("=> ") || line.startsWith("[+]") || line.startsWith("-->")) {
        assertTrue(
            line.length() <= 49, "cut to the pty's 50 columns (TIOCGWINSZ) less one: " + line);
      }
    }
    StrataProcess.Result again =
        inPty(s, "xterm", 50, ctx).ok(); // all cached: drawn by the first JVM
    assertTrue(
        Screen.of(again.out(), 50).text().contains("--> every step cached: no namespace entered"),
        again.out());
    StrataProcess.Result dumb = inPty(s, "dumb", 50, ctx).ok();
    assertTrue(dumb.out().contains("STEP 1/3"), "TERM=dumb: plain\n" + dumb.out());
    assertFalse(dumb.out().contains("\u001b["), "no escapes in plain mode: " + dumb.out());
  }

  @Test
  void anUnknownModeIsAUsageError() throws Exception {
    Path ctx = context("FROM busybox\n");
    StrataProcess.Result r =
        build(dir.resolve("store"), Map.of(), "--progress", "fancy", ctx.toString());
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("--progress fancy: want auto, plain, tty or json"), r.err());
  }
}
