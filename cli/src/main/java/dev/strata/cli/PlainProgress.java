package dev.strata.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code --progress plain}: one line per event, RUN output line by line with its step in front
 * ({@code [builder 5/12] ...}), so output of stages that build at the same time stays readable (as
 * BuildKit's plain mode prefixes lines with {@code #N}). Partial lines wait for their newline or
 * for the step's end.
 */
final class PlainProgress implements ProgressView {
  private final PrintStream out;
  private final Map<Step, ByteArrayOutputStream> partial = new HashMap<>();

  PlainProgress(PrintStream out) {
    this.out = out;
  }

  static String tag(Step s) {
    return "[" + s.stageName() + " " + s.number() + "/" + s.total() + "]";
  }

  @Override
  public synchronized void started(Step s) {
    out.printf("[%s] STEP %d/%d: %s%n", s.stageName(), s.number(), s.total(), s.text());
  }

  @Override
  public synchronized void output(Step s, byte[] b, int off, int len) {
    ByteArrayOutputStream line = partial.computeIfAbsent(s, k -> new ByteArrayOutputStream());
    StringBuilder lines = new StringBuilder(); // a burst of lines in one write, not one per line
    for (int i = off; i < off + len; i++) {
      if (b[i] == '\n') {
        lines.append(tag(s)).append(' ').append(line.toString(StandardCharsets.UTF_8)).append('\n');
        line.reset();
      } else {
        line.write(b[i]);
      }
    }
    if (lines.length() > 0) {
      out.print(lines);
      out.flush();
    }
  }

  private void emit(Step s, ByteArrayOutputStream line) {
    out.println(tag(s) + " " + line.toString(StandardCharsets.UTF_8));
    line.reset();
  }

  private void flush(Step s) {
    ByteArrayOutputStream line = partial.remove(s);
    if (line != null && line.size() > 0) {
      emit(s, line);
    }
  }

  @Override
  public synchronized void missed(Step s, String reason) {
    flush(s);
    out.println(tag(s) + " --> miss: " + reason);
  }

  @Override
  public synchronized void done(Step s, String cache, double seconds) {
    flush(s);
    if ("hit".equals(cache)) {
      out.println(tag(s) + " --> cached");
    } else if ("miss".equals(cache)) {
      out.printf("%s --> done in %.1fs%n", tag(s), seconds);
    }
  }

  @Override
  public synchronized void failed(Step s, String message, double seconds) {
    flush(s);
    out.printf("%s --> failed after %.1fs%n", tag(s), seconds);
  }

  @Override
  public synchronized void warning(Step s, String message) {
    out.println((s == null ? "" : tag(s) + " ") + "warning: " + message);
  }

  @Override
  public synchronized void info(String message) {
    out.println("--> " + message);
  }

  /** Prints what is left of lines whose step never ended (a build cut short). */
  @Override
  public synchronized void close() {
    for (Map.Entry<Step, ByteArrayOutputStream> e : partial.entrySet()) {
      if (e.getValue().size() > 0) {
        emit(e.getKey(), e.getValue());
      }
    }
    partial.clear();
    out.flush();
  }
}
