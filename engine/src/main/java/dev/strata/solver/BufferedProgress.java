package dev.strata.solver;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Holds progress events to show later, or never: the cache-only attempt of a build shows its steps
 * only when it succeeds, else the real build shows them once.
 */
final class BufferedProgress implements BuildProgress {
  private final List<Consumer<BuildProgress>> events = new ArrayList<>();

  /** Sends every held event, in order, to {@code to}. */
  synchronized void replay(BuildProgress to) {
    events.forEach(e -> e.accept(to));
    events.clear();
  }

  private synchronized void hold(Consumer<BuildProgress> e) {
    events.add(e);
  }

  @Override
  public void started(Step step) {
    hold(p -> p.started(step));
  }

  @Override
  public void output(Step step, byte[] bytes, int offset, int length) {
    byte[] copy = Arrays.copyOfRange(bytes, offset, offset + length);
    hold(p -> p.output(step, copy, 0, copy.length));
  }

  @Override
  public void missed(Step step, String reason) {
    hold(p -> p.missed(step, reason));
  }

  @Override
  public void done(Step step, String cache, double seconds) {
    hold(p -> p.done(step, cache, seconds));
  }

  @Override
  public void failed(Step step, String message, double seconds) {
    hold(p -> p.failed(step, message, seconds));
  }

  @Override
  public void warning(Step step, String message) {
    hold(p -> p.warning(step, message));
  }

  @Override
  public void info(String message) {
    hold(p -> p.info(message));
  }
}
