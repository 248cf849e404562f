package dev.strata.cli;

import dev.strata.frontend.DockerfileException;
import dev.strata.frontend.DockerfileFrontend;
import dev.strata.frontend.plan.BuildOptions;
import dev.strata.frontend.plan.BuildPlan;
import dev.strata.frontend.plan.PlanJson;
import dev.strata.frontend.plan.PlanText;
import dev.strata.solver.IoErrorText;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code strata parse}: parses a Dockerfile and prints the build plan, as text or JSON. */
@Command(name = "parse", description = "Parse a Dockerfile and print its build plan.")
final class ParseCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--format", paramLabel = "FORMAT", description = "text (default) or json.")
  String format = "text";

  @Option(
      names = "--build-arg",
      paramLabel = "K=V",
      description = "Set a build-time variable (K alone takes its value from the environment).")
  List<String> buildArgs = new ArrayList<>();

  @Option(
      names = "--target",
      paramLabel = "STAGE",
      description = "Plan up to this stage (default: the last).")
  String target;

  @Option(
      names = "--platform",
      paramLabel = "PLATFORM",
      description = "Target platform for TARGETPLATFORM and friends (default: linux/amd64).")
  String platform = BuildOptions.DEFAULT_PLATFORM;

  @Parameters(paramLabel = "FILE", description = "The Dockerfile.")
  Path file;

  Map<String, String> buildArgMap() {
    Map<String, String> m = new LinkedHashMap<>();
    for (String a : buildArgs) {
      int eq = a.indexOf('=');
      if (eq < 0) {
        // As docker build: a name alone takes the value from the environment, if set.
        String v = System.getenv(a);
        if (v != null) {
          m.put(a, v);
        }
      } else {
        m.put(a.substring(0, eq), a.substring(eq + 1));
      }
    }
    return m;
  }

  @Override
  public Integer call() throws IOException, DockerfileException {
    if (!format.equals("json") && !format.equals("text")) {
      throw new ParameterException(
          spec.commandLine(), "--format must be text or json, not \"" + format + "\"");
    }
    BuildOptions options =
        BuildOptions.defaults()
            .withBuildArgs(buildArgMap())
            .withTarget(target)
            .withPlatforms(platform, BuildOptions.DEFAULT_PLATFORM);
    BuildPlan plan;
    try {
      plan = DockerfileFrontend.plan(file, file.toString(), options);
    } catch (IOException e) {
      throw new IOException("cannot read " + file + ": " + IoErrorText.reason(e), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (format.equals("json")) {
      out.print(PlanJson.write(plan));
      PrintWriter err = spec.commandLine().getErr();
      plan.warnings().forEach(w -> err.println("warning: " + w));
      err.flush();
    } else {
      out.print(PlanText.write(plan));
    }
    out.flush();
    return 0;
  }
}
