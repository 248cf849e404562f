package dev.strata.bench.builder;

import dev.strata.bench.result.BuildResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one command under GNU time and says what it cost. CPU is user + system time of the whole
 * process tree that the command's processes waited for (getrusage of children, as time(1) reads
 * it); peak RSS is the largest resident set of any one process of that tree (the kernel's ru_maxrss
 * of children is a maximum, not a sum). Wall time is measured here, around the process.
 *
 * @param exit the command's exit status
 */
public record Measured(int exit, double wallSeconds, double cpuSeconds, long peakRssKb) {

  /**
   * The row of a build that ran and failed (every builder reports one alike): {@code exit N: why},
   * its costs, nothing counted.
   */
  public BuildResult failed(String builder, String logName, String why) {
    return new BuildResult(
        builder,
        "failed",
        "exit " + exit + ": " + why,
        wallSeconds,
        cpuSeconds,
        peakRssKb,
        0,
        0,
        null,
        -1,
        null,
        null,
        logName,
        List.of());
  }

  /** GNU time, which reports children's rusage (bash's time builtin has no peak RSS). */
  public static final Path GNU_TIME = Path.of("/usr/bin/time");

  /** Why measuring is not possible here, or null. */
  public static String missing() {
    return Files.isExecutable(GNU_TIME)
        ? null
        : "GNU time (/usr/bin/time) is not installed (apt-get install time): it measures CPU and"
            + " peak RSS";
  }

  /**
   * Runs {@code command} in {@code env} (the whole environment: nothing of this process's is
   * added), its stdout and stderr appended to {@code log}.
   */
  public static Measured run(List<String> command, Map<String, String> env, Path log)
      throws IOException, InterruptedException {
    Path times = Files.createTempFile(log.getParent(), ".time", ".txt");
    try {
      List<String> cmd = new ArrayList<>();
      cmd.add(GNU_TIME.toString());
      cmd.add("-f");
      cmd.add("%U %S %M");
      cmd.add("-o");
      cmd.add(times.toString());
      cmd.addAll(command);
      ProcessBuilder pb = new ProcessBuilder(cmd);
      pb.environment().clear();
      pb.environment().putAll(env);
      pb.redirectErrorStream(true);
      pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      long start = System.nanoTime();
      Process p = pb.start();
      int exit = p.waitFor();
      double wall = (System.nanoTime() - start) / 1e9;
      // time(1) writes "Command exited with non-zero status N" before its line when exit != 0.
      List<String> lines = Files.readAllLines(times, StandardCharsets.UTF_8);
      String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1).strip();
      String[] f = last.split(" ");
      if (f.length != 3) {
        throw new IOException(
            "GNU time wrote no measurement for " + command.get(0) + " (\"" + last + "\")");
      }
      try {
        return new Measured(
            exit, wall, Double.parseDouble(f[0]) + Double.parseDouble(f[1]), Long.parseLong(f[2]));
      } catch (NumberFormatException e) {
        throw new IOException("cannot read GNU time's line \"" + last + "\"", e);
      }
    } finally {
      Files.deleteIfExists(times);
    }
  }
}
