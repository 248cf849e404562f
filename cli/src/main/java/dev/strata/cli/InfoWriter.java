package dev.strata.cli;

import dev.strata.solver.BuildProgress;
import java.io.Writer;

/**
 * A writer whose lines become {@link BuildProgress#info} events: what the registry client prints
 * during a build (skopeo-like blob lines) goes through the live or JSON view instead of breaking
 * it.
 */
final class InfoWriter extends Writer {
  private final BuildProgress progress;
  private final StringBuilder line = new StringBuilder();

  InfoWriter(BuildProgress progress) {
    this.progress = progress;
  }

  @Override
  public synchronized void write(char[] c, int off, int len) {
    for (int i = off; i < off + len; i++) {
      if (c[i] == '\n') {
        progress.info(line.toString());
        line.setLength(0);
      } else if (c[i] != '\r') {
        line.append(c[i]);
      }
    }
  }

  @Override
  public void flush() {}

  @Override
  public synchronized void close() {
    if (line.length() > 0) {
      progress.info(line.toString());
      line.setLength(0);
    }
  }
}
