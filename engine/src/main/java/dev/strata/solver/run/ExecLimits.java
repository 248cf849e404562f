package dev.strata.solver.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What one {@code execve} takes on Linux, checked before a RUN starts, so a step too long for the
 * kernel is named by its line instead of failing as {@code E2BIG} ("Argument list too long") from
 * whichever exec in the chain (JVM to helper, helper to command) meets it first. The limits are
 * fs/exec.c's: each string, its NUL included, at most {@link #MAX_ARG_STRLEN}; all strings and
 * their pointers at most a quarter of the stack limit, capped at 6 MiB, at least 128 KiB.
 */
final class ExecLimits {
  /** include/uapi/linux/binfmts.h: 32 pages, fixed whatever the stack limit. */
  static final int MAX_ARG_STRLEN = 32 * 4096;

  /** fs/exec.c: the floor of the total (ARG_MAX) and its cap (3/4 of _STK_LIM). */
  static final long MIN_TOTAL = 32 * 4096;

  static final long MAX_TOTAL = 6L * 1024 * 1024;

  private ExecLimits() {}

  /**
   * Why {@code argv} and {@code env} (KEY=VALUE) cannot be passed to one exec, or empty when they
   * fit in {@code total} bytes (see {@link #total()}).
   */
  static Optional<String> refusal(List<String> argv, List<String> env, long total) {
    long sum = 8L * (argv.size() + env.size()); // the pointers count too
    for (String a : argv) {
      int n = bytes(a);
      if (n > MAX_ARG_STRLEN) {
        return Optional.of(
            "the command line is "
                + (n - 1)
                + " bytes, longer than Linux takes for one"
                + " exec argument (MAX_ARG_STRLEN, "
                + MAX_ARG_STRLEN
                + " bytes with its NUL);"
                + " put it in a script and COPY it in");
      }
      sum += n;
    }
    for (String e : env) {
      int n = bytes(e);
      if (n > MAX_ARG_STRLEN) {
        int eq = e.indexOf('=');
        return Optional.of(
            "variable "
                + (eq > 0 ? e.substring(0, eq) : e)
                + " is "
                + (n - 1)
                + " bytes with its name, longer than Linux takes for one exec string"
                + " (MAX_ARG_STRLEN, "
                + MAX_ARG_STRLEN
                + " bytes with its NUL)");
      }
      sum += n;
    }
    if (sum > total) {
      return Optional.of(
          "the command and its environment are "
              + sum
              + " bytes, more than this system"
              + " takes for one exec (ARG_MAX, "
              + total
              + " bytes: a quarter of the stack limit, ulimit -s)");
    }
    return Optional.empty();
  }

  /**
   * This process's total for one exec: a quarter of its stack limit, within the kernel's bounds.
   */
  static long total() {
    long stack = stackLimit();
    return Math.max(MIN_TOTAL, Math.min(MAX_TOTAL, stack / 4));
  }

  /** The soft RLIMIT_STACK from /proc/self/limits; unlimited or unreadable counts as the cap. */
  private static long stackLimit() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
        if (line.startsWith("Max stack size")) {
          String soft = line.substring("Max stack size".length()).strip().split("\\s+")[0];
          return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
        }
      }
    } catch (IOException | NumberFormatException e) {
      // fall through: the kernel's cap is the most any exec takes
    }
    return Long.MAX_VALUE;
  }

  private static int bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length + 1;
  }
}
