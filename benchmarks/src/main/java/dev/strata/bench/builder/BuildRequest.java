package dev.strata.bench.builder;

import java.nio.file.Path;
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
}
