package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.strata.bench.builder.ToolEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs real commands for end-to-end tests: {@code bin/strata} and the tools that check it. */
final class StrataProcess {
  private StrataProcess() {}

  /** What a finished command printed and returned. */
  record Result(int exit, String out, String err, List<String> command) {
    Result ok() {
      assertEquals(
          0, exit, "command failed: " + command + "\nstdout:\n" + out + "\nstderr:\n" + err);
      return this;
    }
  }

  /**
   * Gives {@code env} (a new process's environment) the settings every command a test runs gets,
   * bin/strata and the tools that check it alike (skopeo, umoci, buildah, docker-registry, tar,
   * ssh-agent, git): a home, config, data, cache and runtime dir, auth file, containers
   * registries/storage/containers.conf and signature policy of their own, made once per test JVM,
   * and the C.UTF-8 locale. Nothing of the user who runs the tests reaches them: skopeo run without
   * XDG_RUNTIME_DIR reads /run/containers/UID/auth.json, which root's podman may have left
   * unreadable, and a user's ~/.config/containers or LANG changes what tools do and print. Callers
   * put their own settings after this. A docker-registry server gets {@link
   * #hermeticRegistryServer} instead.
   */
  static void hermetic(Map<String, String> env) {
    env.keySet().removeIf(k -> k.equals("LANG") || k.equals("LANGUAGE") || k.startsWith("LC_"));
    env.remove("SSH_AUTH_SOCK");
    env.remove("STRATA_CALLER_LC_ALL");
    env.putAll(ToolHome.ENV);
  }

  /**
   * {@link #hermetic} for docker-registry, which reads REGISTRY_SECTION_KEY variables as its
   * configuration (REGISTRY_AUTH_FILE would be its auth.file): none of them.
   */
  static void hermeticRegistryServer(Map<String, String> env) {
    hermetic(env);
    env.keySet().removeIf(k -> k.startsWith("REGISTRY_"));
  }

  /** The private dirs and files of {@link #hermetic}, made on first use, removed at exit. */
  private static final class ToolHome {
    static final Map<String, String> ENV = make();

    private static Map<String, String> make() {
      try {
        Path d = Files.createTempDirectory("strata-it-tools-");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(d)));
        // The same private files as strata bench gives its builders (one place for them).
        Map<String, String> env =
            new HashMap<>(
                ToolEnvironment.privateSettings(
                    d, d.resolve("storage"), d.resolve("storage-run"), "vfs"));
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        return Map.copyOf(env);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot make the tools' private home", e);
      }
    }

    private static void deleteQuietly(Path d) {
      try (Stream<Path> s = Files.walk(d)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException | UncheckedIOException e) {
        // a file a tool left under a subordinate id: the OS's tmp cleaning takes it
      }
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
      fail(
          "fixture missing: "
              + p
              + " (scripts/fixtures/make-busybox.sh makes it; scripts/test runs that)");
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
    fail(
        tool + " is not installed (apt-get install " + pkg + "); scripts/test installs it as root");
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
    return strata(root, Map.of(), args);
  }

  /** {@code bin/strata --root ROOT ARGS...} with {@code env} put after the hermetic settings. */
  static Result strata(Path root, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(bin().toString(), "--root", root.toString()));
    cmd.addAll(List.of(args));
    return run(cmd, env);
  }

  /** SOURCE_DATE_EPOCH for builds and imports that must give the same digests in every store. */
  static final Map<String, String> EPOCH = Map.of("SOURCE_DATE_EPOCH", "1700000000");

  /**
   * A new store at {@code store} with the fixture {@code file} imported as {@code name} at {@link
   * #EPOCH}: the same image digest in every store made so, as a pull by digest gives.
   */
  static Path storeWith(Path store, String file, String name)
      throws IOException, InterruptedException {
    strata(store, EPOCH, "import", fixture(file).toString(), name).ok();
    return store;
  }

  /**
   * {@code strata build -t NAME --stats-json STATS EXTRA... CTX} at {@link #EPOCH}, plain progress;
   * the caller checks the result.
   */
  static Result buildWithStats(Path store, Path ctx, String name, Path stats, String... extra)
      throws IOException, InterruptedException {
    List<String> args =
        new ArrayList<>(
            List.of("--progress", "plain", "build", "-t", name, "--stats-json", stats.toString()));
    args.addAll(List.of(extra));
    args.add(ctx.toString());
    return strata(store, EPOCH, args.toArray(String[]::new));
  }

  static Process start(Path root, Path log, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(bin().toString(), "--root", root.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    hermetic(pb.environment());
    return pb.start();
  }

  static Result run(List<String> cmd, Map<String, String> env)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("strata-it", ".out");
    Path err = Files.createTempFile("strata-it", ".err");
    try {
      ProcessBuilder pb =
          new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
      hermetic(pb.environment());
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
   * files owned by subordinate ids that the test user cannot delete itself (buildah has {@code
   * buildah unshare rm -rf} for the same reason). Then JUnit removes the empty dir.
   */
  static void removeContents(Path dir) throws IOException, InterruptedException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    Result r =
        run(
            List.of(
                bin().toString(),
                "--root",
                dir.resolve(".strata-cleanup").toString(),
                "unshare",
                "--",
                "sh",
                "-c",
                "chmod -R u+rwX \"$1\" 2>/dev/null; find \"$1\" -mindepth 1 -delete",
                "sh",
                dir.toString()),
            Map.of());
    if (r.exit() != 0) {
      fail("could not empty " + dir + " through strata unshare: " + r.err());
    }
  }
}
