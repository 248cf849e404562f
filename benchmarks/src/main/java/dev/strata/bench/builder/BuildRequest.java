package dev.strata.bench.builder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One build to run.
 *
 * @param context the build context
 * @param dockerfile the Dockerfile's path relative to the context
 * @param target the stage to build, or null for the last
 * @param buildArgs --build-arg values, in order
 * @param logDir where the builder's output goes (one file per build, named by {@code logName})
 * @param logName the file name stem of this build's log (and Strata's stats file)
 */
public record BuildRequest(
    Path context,
    String dockerfile,
    String target,
    Map<String, String> buildArgs,
    Path logDir,
    String logName) {

  public BuildRequest {
    buildArgs = Map.copyOf(buildArgs);
  }

  /** This build's log file. */
  Path log() {
    return logDir.resolve(logName + ".log");
  }

  /** The log as the report names it, relative to the report's directory. */
  String shownLog() {
    return "logs/" + logDir.getFileName() + "/" + logName + ".log";
  }

  /**
   * The arguments every builder's command ends with, in the same form (buildah and Strata read both
   * alike): {@code [--target T] --build-arg=K=V... CONTEXT}.
   */
  List<String> lastArgs() {
    List<String> args = new ArrayList<>();
    if (target != null) {
      args.add("--target");
      args.add(target);
    }
    buildArgs.forEach((k, v) -> args.add("--build-arg=" + k + "=" + v));
    args.add(context.toString());
    return args;
  }
}
