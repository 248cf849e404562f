package dev.strata.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * {@code --progress tty}: a live view in the manner of BuildKit's, redrawn in place at most every
 * {@link #FRAME_MILLIS} ms (never per event or per byte). The live region at the bottom holds a
 * header and one line per running step with its elapsed time and the last line of its output. A
 * step that ends is printed once, collapsed to one line ({@code => CACHED [builder 2/12] COPY ...
 * 0.0s}), above the live region, so scrollback keeps it however long the build is. On close the
 * live region is cleared, each failed step's whole output is printed under it with its Dockerfile
 * line and message (BuildKit's "------ > [2/3] RUN ...:" block), then a summary; the cursor is left
 * below. Lines are cut to the terminal's width.
 */
final class TtyProgress implements ProgressView {
  static final long FRAME_MILLIS = 100;

  /**
   * Running steps drawn at most (then "... and N more"): a region taller than the screen cannot be
   * redrawn.
   */
  static final int MAX_LIVE_STEPS = 10;

  private static final String CSI = "\u001b[";

  private record Row(String left, String right) {}

  private record Running(Step step, long since, StepLog log) {}

  private record Failure(Step step, String message, StepLog log) {}

  private final PrintStream out;
  private final IntSupplier columns;
  private final LongSupplier clock;
  private final long frameMillis;
  private final int memoryLimit;
  private final long t0;
  private final Map<Step, Running> running = new LinkedHashMap<>();
  private final List<Row> toPrint = new ArrayList<>();
  private final List<Failure> failures = new ArrayList<>();
  private ScheduledExecutorService ticker;
  private int liveLines;
  private int ended;
  private int total;
  private boolean seen;
  private boolean closed;

  /**
   * @param columns the terminal's width, asked at each frame (a resized window redraws right)
   * @param clock nanoseconds, as {@link System#nanoTime}
   * @param frameMillis the redraw period; 0 draws only on {@link #tick} (tests)
   */
  TtyProgress(PrintStream out, IntSupplier columns, LongSupplier clock, long frameMillis) {
    this(out, columns, clock, frameMillis, StepLog.DEFAULT_MEMORY_LIMIT);
  }

  TtyProgress(
      PrintStream out, IntSupplier columns, LongSupplier clock, long frameMillis, int memoryLimit) {
    this.out = out;
    this.columns = columns;
    this.clock = clock;
    this.frameMillis = frameMillis;
    this.memoryLimit = memoryLimit;
    this.t0 = clock.getAsLong();
  }

  private void begin() {
    seen = true;
    if (ticker == null && frameMillis > 0 && !closed) {
      ticker =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "strata-progress");
                t.setDaemon(true);
                return t;
              });
      ticker.scheduleAtFixedRate(this::tick, frameMillis, frameMillis, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public synchronized void started(Step s) {
    begin();
    total = Math.max(total, s.total());
    running.put(s, new Running(s, clock.getAsLong(), new StepLog(memoryLimit)));
  }

  @Override
  public synchronized void output(Step s, byte[] b, int off, int len) {
    Running r = running.get(s);
    if (r != null) {
      r.log().append(b, off, len);
    }
  }

  @Override
  public synchronized void done(Step s, String cache, double seconds) {
    end(s).close();
    toPrint.add(new Row(("hit".equals(cache) ? "=> CACHED " : "=> ") + title(s), secs(seconds)));
  }

  @Override
  public synchronized void missed(Step s, String reason) {
    begin();
    toPrint.add(new Row("--> miss: " + PlainProgress.tag(s) + " " + oneLine(reason), ""));
  }

  @Override
  public synchronized void failed(Step s, String message, double seconds) {
    StepLog log = end(s);
    if ("interrupted".equals(message)) { // the builder stopped it: another step failed first
      log.close();
      toPrint.add(new Row("=> CANCELED " + title(s), secs(seconds)));
    } else {
      failures.add(new Failure(s, message, log));
      toPrint.add(new Row("=> ERROR " + title(s), secs(seconds)));
    }
  }

  private StepLog end(Step s) {
    begin();
    ended++;
    total = Math.max(total, s.total());
    Running r = running.remove(s);
    return r != null ? r.log() : new StepLog(memoryLimit);
  }

  @Override
  public synchronized void warning(Step s, String message) {
    begin();
    toPrint.add(
        new Row("WARN: " + (s == null ? "" : PlainProgress.tag(s) + " ") + oneLine(message), ""));
  }

  @Override
  public synchronized void info(String message) {
    begin();
    toPrint.add(new Row("--> " + oneLine(message), ""));
  }

  /** Draws a frame now; the timer calls it. */
  synchronized void tick() {
    if (!closed) {
      draw(false);
    }
  }

  private static String title(Step s) {
    return PlainProgress.tag(s) + " " + oneLine(s.text());
  }

  private static String oneLine(String s) {
    return s.replaceAll("[\\s\\p{Cntrl}]+", " ").strip();
  }

  private static String secs(double s) {
    return String.format(Locale.ROOT, "%.1fs", s);
  }

  private void draw(boolean last) {
    if (toPrint.isEmpty() && running.isEmpty() && liveLines == 0) {
      return;
    }
    // one column spare: a line exactly as wide as the terminal wraps early in some of them
    int width = Math.max(20, columns.getAsInt()) - 1;
    StringBuilder sb = new StringBuilder();
    if (liveLines > 0) {
      sb.append('\r').append(CSI).append(liveLines).append('A');
    }
    sb.append(CSI).append('J');
    for (Row r : toPrint) {
      sb.append(fit(r.left(), r.right(), width)).append('\n');
    }
    toPrint.clear();
    liveLines = 0;
    long now = clock.getAsLong();
    if (!last && total > 0) {
      String header = "[+] Building " + secs((now - t0) / 1e9) + " (" + ended + "/" + total + ")";
      sb.append(fit(header, "", width)).append('\n');
      int shown = 0;
      for (Running r : running.values()) {
        if (++shown > MAX_LIVE_STEPS && running.size() > MAX_LIVE_STEPS + 1) {
          sb.append(
                  fit(
                      "=> ... and " + (running.size() - MAX_LIVE_STEPS) + " more running",
                      "",
                      width))
              .append('\n');
          break;
        }
        String left = "=> " + title(r.step());
        String tail = r.log().lastLine();
        if (!tail.isEmpty()) {
          left = cut(left, width * 3 / 5) + "  # " + tail;
        }
        sb.append(fit(left, secs((now - r.since()) / 1e9), width)).append('\n');
      }
      liveLines = 1 + Math.min(running.size(), MAX_LIVE_STEPS + 1);
    }
    out.print(sb);
    out.flush();
  }

  /** {@code left}, cut or padded so that {@code right} ends at column {@code width}. */
  static String fit(String left, String right, int width) {
    int room = right.isEmpty() ? width : width - right.length() - 1;
    String l = cut(left, Math.max(0, room));
    if (right.isEmpty()) {
      return l;
    }
    int pad = width - right.length() - l.codePointCount(0, l.length());
    return l + " ".repeat(Math.max(1, pad)) + right;
  }

  static String cut(String s, int max) {
    if (s.codePointCount(0, s.length()) <= max) {
      return s;
    }
    if (max <= 3) {
      return s.substring(0, s.offsetByCodePoints(0, max));
    }
    return s.substring(0, s.offsetByCodePoints(0, max - 3)) + "...";
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (ticker != null) {
      ticker.shutdownNow();
    }
    if (!seen) {
      return;
    }
    for (Running r : running.values()) { // never ended: the build stopped around them
      toPrint.add(
          new Row("=> UNFINISHED " + title(r.step()), secs((clock.getAsLong() - r.since()) / 1e9)));
      r.log().close();
    }
    running.clear();
    draw(true);
    for (Failure f : failures) {
      printFailure(f);
    }
    if (total == 0) { // lines only (a pull before the re-exec): no build to sum up here
      out.flush();
      return;
    }
    String state = failures.isEmpty() ? "FINISHED" : "FAILED";
    out.print(
        "[+] Building "
            + secs((clock.getAsLong() - t0) / 1e9)
            + " ("
            + ended
            + "/"
            + total
            + ") "
            + state
            + "\n");
    out.flush();
  }

  /** BuildKit's block: the step, its whole output, the Dockerfile line, the error. */
  private void printFailure(Failure f) {
    Step s = f.step();
    out.print("------\n > " + title(s) + ":\n");
    try (StepLog log = f.log()) {
      log.writeTo(out);
      if (!log.endsWithNewline()) {
        out.print('\n');
      }
    } catch (IOException e) {
      out.print("(the step's output could not be read back: " + e.getMessage() + ")\n");
    }
    out.print("------\n");
    out.print(String.format(Locale.ROOT, "%5d | >>> %s%n", s.line(), oneLine(s.text())));
    out.print("ERROR: " + f.message() + "\n");
    out.flush();
  }
}
