package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code strata bench}: option parsing, and the usage errors refused before anything runs. */
class BenchCommandTest {
  @TempDir Path dir;

  @Test
  void populatesReplayOptions() {
    BenchCommand.Replay c =
        CommandLine.populateCommand(
            new BenchCommand.Replay(),
            "--repo",
            "r",
            "--commits",
            "v1..main",
            "--builders",
            "buildah,strata",
            "--target",
            "builder",
            "--build-arg",
            "A=1",
            "--base",
            "busybox=/f/busybox.tar",
            "-f",
            "docker/Dockerfile");
    assertEquals(Path.of("r"), c.repo);
    assertEquals("v1..main", c.commits);
    assertEquals(List.of("buildah", "strata"), c.common.builders);
    assertEquals("builder", c.common.target);
    assertEquals(Map.of("A", "1"), c.common.buildArgs);
    assertEquals(Map.of("busybox", Path.of("/f/busybox.tar")), c.common.bases);
    assertEquals("docker/Dockerfile", c.common.dockerfile);
  }

  @Test
  void defaults() {
    BenchCommand.Edits c =
        CommandLine.populateCommand(
            new BenchCommand.Edits(), "--context", "c", "--script", "e.yaml");
    assertEquals(List.of("strata", "buildah"), c.common.builders);
    assertEquals(Path.of("bench-out"), c.common.out);
    assertEquals("Dockerfile", c.common.dockerfile);
    assertEquals("overlay", c.common.buildahDriver);
  }

  private static int run(StringWriter err, String... args) {
    CommandLine cl = StrataCommand.commandLine();
    cl.setErr(new PrintWriter(err, true));
    cl.setOut(new PrintWriter(new StringWriter(), true));
    return cl.execute(args);
  }

  @Test
  void anUnknownBuilderIsAUsageError() throws Exception {
    StringWriter err = new StringWriter();
    Path out = dir.resolve("out");
    int exit =
        run(
            err,
            "bench",
            "replay",
            "--repo",
            dir.toString(),
            "--commits",
            "main",
            "--builders",
            "strata,docker",
            "--out",
            out.toString());
    assertEquals(2, exit, err.toString());
    assertTrue(
        err.toString().contains("unknown builder docker (known: strata, buildah)"), err.toString());
    assertTrue(!Files.exists(out), "nothing is written before the options are checked");
  }

  @Test
  void benchAloneAndMissingOptionsAreUsageErrors() {
    StringWriter err = new StringWriter();
    assertEquals(2, run(err, "bench"), err.toString());
    assertTrue(err.toString().contains("replay or edits"), err.toString());
    err = new StringWriter();
    assertEquals(2, run(err, "bench", "replay", "--repo", "x"), err.toString());
    assertTrue(err.toString().contains("--commits"), err.toString());
  }

  @Test
  void anOutDirWithStoresOfAnEarlierRunIsRefused() throws Exception {
    Files.createDirectories(dir.resolve("out/builders/strata"));
    StringWriter err = new StringWriter();
    int exit =
        run(
            err,
            "bench",
            "edits",
            "--context",
            dir.toString(),
            "--script",
            Files.writeString(dir.resolve("e.yaml"), "edits:\n  - {name: t, touch: e.yaml}\n")
                .toString(),
            "--builders",
            "strata",
            "--strata",
            "/bin/true",
            "--out",
            dir.resolve("out").toString());
    assertEquals(1, exit, err.toString());
    assertTrue(err.toString().contains("holds the stores of an earlier run"), err.toString());
  }
}
