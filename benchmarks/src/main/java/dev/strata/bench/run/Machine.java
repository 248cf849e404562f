package dev.strata.bench.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** One line naming the machine a run was measured on (cores, memory, OS, kernel). */
final class Machine {
  private static String line;

  private Machine() {}

  static synchronized String describe() {
    if (line == null) {
      line =
          String.format(
              Locale.ROOT,
              "%d cores, %s memory, %s, Linux %s, Java %s",
              Runtime.getRuntime().availableProcessors(),
              memory(),
              os(),
              System.getProperty("os.version"),
              System.getProperty("java.version"));
    }
    return line;
  }

  private static String memory() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (l.startsWith("MemTotal:")) {
          long kb = Long.parseLong(l.replaceAll("[^0-9]", ""));
          return String.format(Locale.ROOT, "%.0f GiB", kb / 1024.0 / 1024.0);
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux, or an odd /proc: say so rather than fail a run for a report line
    }
    return "unknown";
  }

  private static String os() {
    try {
      for (String l : Files.readAllLines(Path.of("/etc/os-release"))) {
        if (l.startsWith("PRETTY_NAME=")) {
          return l.substring("PRETTY_NAME=".length()).replace("\"", "");
        }
      }
    } catch (IOException e) {
      // as above
    }
    return "unknown OS";
  }
}
