package dev.strata.bench.builder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Untimed helper commands of the builders (versions, base images, inspections) and of the replay
 * (git).
 */
public final class Tools {
  private Tools() {}

  /** Runs {@code cmd} in exactly {@code env}; its stdout, or an IOException with its stderr. */
  public static String output(List<String> cmd, Map<String, String> env)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("strata-bench", ".out");
    Path err = Files.createTempFile("strata-bench", ".err");
    try {
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      pb.environment().clear();
      pb.environment().putAll(env);
      int exit = pb.start().waitFor();
      if (exit != 0) {
        throw new IOException(
            String.join(" ", cmd)
                + " failed (exit "
                + exit
                + "): "
                + Files.readString(err, StandardCharsets.UTF_8).strip());
      }
      return Files.readString(out, StandardCharsets.UTF_8);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** Whether {@code tool} is an executable on PATH. */
  static boolean onPath(String tool) {
    String path = System.getenv("PATH");
    for (String dir : (path == null ? "" : path).split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  /** The last {@code n} non-empty lines of a log, joined with " | ", for an error row. */
  static String lastLines(Path log, int n) throws IOException {
    if (!Files.isRegularFile(log)) {
      return "(no output)";
    }
    // new String(...) replaces bytes that are not UTF-8: a build's output may hold any.
    List<String> lines =
        new String(Files.readAllBytes(log), StandardCharsets.UTF_8)
            .lines()
            .filter(l -> !l.isBlank())
            .toList();
    return String.join(" | ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
  }
}
