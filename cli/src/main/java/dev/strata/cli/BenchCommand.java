package dev.strata.cli;

import dev.strata.bench.builder.BaseArchives;
import dev.strata.bench.builder.BaseImage;
import dev.strata.bench.builder.BuildahBuilder;
import dev.strata.bench.builder.Builder;
import dev.strata.bench.builder.Measured;
import dev.strata.bench.builder.StrataBuilder;
import dev.strata.bench.report.ReportWriter;
import dev.strata.bench.result.BenchResults;
import dev.strata.bench.result.BuildResult;
import dev.strata.bench.result.BuilderInfo;
import dev.strata.bench.run.BenchRunner;
import dev.strata.bench.run.EditScript;
import dev.strata.bench.run.EditSource;
import dev.strata.bench.run.GitRangeSource;
import dev.strata.bench.run.PointSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code strata bench replay|edits}: cache hit rates and build times of builders side by side over
 * a project's git history or an edit script (the runner lives in the benchmarks module; README
 * "strata bench").
 */
@Command(
    name = "bench",
    description = "Measure builders' caches over a git range or scripted edits.",
    subcommands = {BenchCommand.Replay.class, BenchCommand.Edits.class})
final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "bench needs a subcommand: replay or edits");
  }

  /** The options both subcommands take. */
  static final class Common {
    @Option(
        names = "--builders",
        paramLabel = "B,B",
        split = ",",
        description = "Builders to compare, in order: strata, buildah (default: strata,buildah).")
    List<String> builders = new ArrayList<>(List.of("strata", "buildah"));

    @Option(
        names = "--out",
        paramLabel = "DIR",
        description =
            "Where results.json, report.md, charts, logs and stores go (default: bench-out).")
    Path out = Path.of("bench-out");

    @Option(
        names = {"-f", "--dockerfile"},
        paramLabel = "PATH",
        description = "The Dockerfile, relative to the context (default: Dockerfile).")
    String dockerfile = "Dockerfile";

    @Option(names = "--target", paramLabel = "STAGE", description = "The stage to build.")
    String target;

    @Option(names = "--build-arg", paramLabel = "K=V", description = "A build argument.")
    Map<String, String> buildArgs = new LinkedHashMap<>();

    @Option(
        names = "--base",
        paramLabel = "NAME=ROOTFS.tar",
        description =
            "A base image every builder gets from the same oci-archive, made from a rootfs tarball.")
    Map<String, Path> bases = new LinkedHashMap<>();

    @Option(
        names = "--strata",
        paramLabel = "PATH",
        description = "The strata launcher to measure (default: the one running this command).")
    Path strata;

    @Option(
        names = "--buildah-driver",
        paramLabel = "DRIVER",
        description = "buildah's storage driver: overlay (default) or vfs.")
    String buildahDriver = "overlay";
  }

  @Command(
      name = "replay",
      description = "Build each commit of a git range with each builder, on persistent stores.")
  static final class Replay implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Common common;

    @Option(names = "--repo", required = true, paramLabel = "DIR", description = "The repository.")
    Path repo;

    @Option(
        names = "--commits",
        required = true,
        paramLabel = "A..B",
        description = "A git rev-list range, oldest first (A..B excludes A; B alone: all history).")
    String commits;

    @Override
    public Integer call() throws IOException, InterruptedException {
      Path out = prepareOut(spec, common);
      PointSource src = new GitRangeSource(repo, commits, common.buildArgs, out.resolve("work"));
      return runAll(spec, common, out, "replay", repo.toAbsolutePath().toString(), commits, src);
    }
  }

  @Command(
      name = "edits",
      description = "Build a context, then after each scripted edit, with each builder.")
  static final class Edits implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Common common;

    @Option(
        names = "--context",
        required = true,
        paramLabel = "DIR",
        description = "The build context (copied; never changed).")
    Path context;

    @Option(
        names = "--script",
        required = true,
        paramLabel = "EDITS.yaml",
        description = "The edits (README: strata bench).")
    Path script;

    @Override
    public Integer call() throws IOException, InterruptedException {
      if (!Files.isDirectory(context)) {
        throw new ParameterException(spec.commandLine(), "no context directory " + context);
      }
      EditScript edits = EditScript.read(script);
      Path out = prepareOut(spec, common);
      PointSource src = new EditSource(context, edits, common.buildArgs);
      return runAll(
          spec, common, out, "edits", context.toAbsolutePath().toString(), script.toString(), src);
    }
  }

  /** The out dir, refused when it holds stores of an earlier run (the first build must be cold). */
  private static Path prepareOut(CommandSpec spec, Common c) throws IOException {
    for (String b : c.builders) {
      if (!b.equals("strata") && !b.equals("buildah")) {
        throw new ParameterException(
            spec.commandLine(), "unknown builder " + b + " (known: strata, buildah)");
      }
    }
    Path out = c.out.toAbsolutePath().normalize();
    if (Files.exists(out.resolve("builders"))) {
      throw new IOException(
          out
              + " holds the stores of an earlier run (builders/): choose another --out, or remove"
              + " it (strata unshare -- rm -rf "
              + out
              + ")");
    }
    return Files.createDirectories(out);
  }

  private static Integer runAll(
      CommandSpec spec,
      Common c,
      Path out,
      String kind,
      String source,
      String range,
      PointSource src)
      throws IOException, InterruptedException {
    String noTime = Measured.missing();
    if (noTime != null) {
      throw new IOException(noTime);
    }
    Path launcher = launcher(spec, c);
    List<Builder> builders = new ArrayList<>();
    for (String b : c.builders) {
      Path dir = out.resolve("builders").resolve(b);
      builders.add(
          b.equals("strata")
              ? new StrataBuilder(launcher, dir)
              : new BuildahBuilder(dir, c.buildahDriver));
    }
    List<BaseImage> bases = BaseArchives.make(launcher, c.bases, out.resolve("bases"));
    PrintWriter err = spec.commandLine().getErr();
    BenchRunner runner =
        new BenchRunner(
            new BenchRunner.Settings(kind, source, range, c.dockerfile, c.target, out),
            builders,
            err);
    BenchResults r;
    try {
      r =
          runner.run(
              src,
              bases,
              partial -> {
                try {
                  ReportWriter.write(partial, out);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    spec.commandLine()
        .getOut()
        .println("bench: wrote " + out.resolve("report.md") + " and results.json, charts/");
    List<String> problems = new ArrayList<>();
    for (BuilderInfo b : r.builders()) {
      if (b.missing() != null) {
        problems.add("builder " + b.name() + " is missing: " + b.missing());
      }
    }
    long failed =
        r.points().stream()
            .flatMap(p -> p.builds().stream())
            .filter(b -> b.status().equals("failed"))
            .map(BuildResult::builder)
            .count();
    if (failed > 0) {
      problems.add(failed + " builds failed (report.md names them; logs/ has their output)");
    }
    if (!problems.isEmpty()) {
      err.println("Error: " + String.join("; ", problems));
      err.flush();
      return ErrorMapper.USER_ERROR;
    }
    return 0;
  }

  private static Path launcher(CommandSpec spec, Common c) {
    if (c.strata != null) {
      return c.strata.toAbsolutePath();
    }
    String p = System.getProperty("strata.launcher");
    if (p == null) {
      throw new ParameterException(
          spec.commandLine(), "not started by bin/strata: name the launcher with --strata PATH");
    }
    return Path.of(p).toAbsolutePath();
  }
}
