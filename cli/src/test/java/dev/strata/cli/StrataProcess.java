package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs real commands for end-to-end tests: {@code bin/strata} and the tools that check it. */
final class StrataProcess {
  private StrataProcess() {}

  /** What a finished command printed and returned. */
  record Result(int exit, String out, String err, List<String> command) {
    Result ok() {
      assertEquals(0, exit, "command failed: " + command + "\nstdout:\n" + out + "\nstderr:\n" + err);
      return this;
    }
  }

  static Path bin() {
    Path p = Path.of(System.getProperty("strata.bin", "../bin/strata"));
    if (!Files.isExecutable(p)) {
      fail("bin/strata not found at " + p.toAbsolutePath());
    }
    return p;
  }

  static Path fixture(String name) {
    Path p = Path.of(System.getProperty("strata.fixtures", "/var/tmp/strata-fixtures"), name);
    if (!Files.isRegularFile(p)) {
      fail("fixture missing: " + p + " (scripts/fixtures/make-busybox.sh makes it; scripts/test runs that)");
    }
    return p;
  }

  /** Fails, naming the tool and its package, when a checking tool is absent. */
  static void requireTool(String tool, String pkg) {
    for (String dir : System.getenv("PATH").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return;
      }
    }
    fail(tool + " is not installed (apt-get install " + pkg + "); scripts/test installs it as root");
  }

  /** {@code dir/store} with the busybox fixture imported as {@code busybox}, made on first use. */
  static Path busyboxStore(Path dir) throws IOException, InterruptedException {
    Path s = dir.resolve("store");
    if (!Files.exists(s)) {
      strata(s, "import", fixture("busybox.tar").toString(), "busybox").ok();
    }
    return s;
  }

  /** A new build context in {@code dir}: the Dockerfile and {@code files} (path -> text). */
  static Path context(Path dir, String dockerfile, Map<String, String> files) throws IOException {
    Path c = Files.createTempDirectory(dir, "ctx");
    Files.writeString(c.resolve("Dockerfile"), dockerfile);
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path p = c.resolve(f.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, f.getValue());
    }
    return c;
  }

  static Result strata(Path root, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(bin().toString(), "--root", root.toString()));
    cmd.addAll(List.of(args));
    return run(cmd, Map.of());
  }

  static Process start(Path root, Path log, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(bin().toString(), "--root", root.toString()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  static Result run(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
    Path out = Files.createTempFile("strata-it", ".out");
    Path err = Files.createTempFile("strata-it", ".err");
    try {
      ProcessBuilder pb =
          new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().putAll(env);
      Process p = pb.start();
      p.getOutputStream().close();
      if (!p.waitFor(300, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail("timed out: " + cmd);
      }
      return new Result(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8),
          cmd);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  static Result run(String... cmd) throws IOException, InterruptedException {
    return run(List.of(cmd), Map.of());
  }

  /**
   * Empties {@code dir} from inside Strata's namespace: unpacked layers and build outputs hold
   * files owned by subordinate ids that the test user cannot delete itself (buildah has
   * {@code buildah unshare rm -rf} for the same reason). Then JUnit removes the empty dir.
   */
  static void removeContents(Path dir) throws IOException, InterruptedException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    Result r =
        run(List.of(bin().toString(), "--root", dir.resolve(".strata-cleanup").toString(), "unshare", "--",
                "sh", "-c", "chmod -R u+rwX \"$1\" 2>/dev/null; find \"$1\" -mindepth 1 -delete", "sh", dir.toString()),
            Map.of());
    if (r.exit() != 0) {
      fail("could not empty " + dir + " through strata unshare: " + r.err());
    }
  }
}
