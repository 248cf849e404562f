package dev.strata.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.strata.nshelper.HelperBinary;
import dev.strata.nshelper.IdMapping;
import dev.strata.nshelper.UserNamespace;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A busybox rootfs extracted inside a user namespace, for tests that run outside one: each run goes
 * through {@code strata-nshelper enter -- strata-nshelper run}, as Strata would.
 */
final class NamespacedRootfs implements AutoCloseable {
  final HelperBinary helper;
  final IdMapping mapping;
  final Path dir;
  final Path rootfs;

  /** Output and status of one run. */
  record Result(int code, String out, String err) {}

  NamespacedRootfs(Path dir) throws Exception {
    this.dir = dir;
    this.helper = HelperBinary.in(dir.resolve("nshelper"));
    this.mapping = UserNamespace.mappingFor(Optional.empty());
    this.rootfs = dir.resolve("rootfs");
    Files.createDirectories(rootfs);
    Result r = enter(List.of("tar", "-xf", busyboxTar().toString(), "-C", rootfs.toString()));
    assertEquals(0, r.code(), "extracting busybox.tar in the namespace: " + r.err());
  }

  /** The busybox fixture; a missing fixture fails the test, naming what to run. */
  static Path busyboxTar() {
    Path dir = Path.of(System.getProperty("strata.fixtures", "/var/tmp/strata-fixtures"));
    Path tar = dir.resolve("busybox.tar");
    if (!Files.isRegularFile(tar)) {
      fail(
          "test fixture "
              + tar
              + " is missing: run scripts/fixtures/make-busybox.sh "
              + dir
              + " (scripts/test does), or set -Dstrata.fixtures");
    }
    return tar;
  }

  Result enter(List<String> program) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(UserNamespace.enterCommand(helper, mapping, program))
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().put(UserNamespace.ENV_INSIDE, mapping.mode().word());
    Process p = pb.start();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread t = new Thread(() -> copy(p.getErrorStream(), err));
    t.start();
    String out = new String(p.getInputStream().readAllBytes());
    int code = p.waitFor();
    t.join();
    return new Result(code, out, err.toString());
  }

  /** Runs {@code spec} in the sandbox (entering the namespace first). */
  Result run(SandboxSpec spec) throws Exception {
    try (SandboxRunner.Invocation inv = new SandboxRunner(helper).invocation(spec)) {
      return enter(new ArrayList<>(inv.argv()));
    }
  }

  SandboxSpec spec(String... command) {
    return SandboxSpec.of(rootfs, List.of(command), List.of());
  }

  private static void copy(java.io.InputStream in, java.io.OutputStream out) {
    try {
      in.transferTo(out);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Files owned by subordinate ids can only be removed from inside. */
  @Override
  public void close() throws java.io.IOException {
    try {
      enter(List.of("rm", "-rf", rootfs.toString()));
    } catch (Exception e) {
      throw new java.io.IOException("removing " + rootfs + " in the namespace", e);
    }
  }
}
