package dev.strata.frontend.plan;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a build passes to the planner.
 *
 * @param buildArgs {@code --build-arg} values, by name
 * @param target the {@code --target} stage name, or null for the last stage
 * @param targetPlatform the platform built for ({@code linux/amd64})
 * @param buildPlatform the platform building ({@code linux/amd64})
 * @param baseImageEnv the ENV of an external base image (by reference as expanded), when the engine
 *     has resolved it; variables it defines expand as Docker expands them. Returns an empty map
 *     when unknown.
 */
public record BuildOptions(
    Map<String, String> buildArgs,
    String target,
    String targetPlatform,
    String buildPlatform,
    Function<String, Map<String, String>> baseImageEnv) {
  public static final String DEFAULT_PLATFORM = "linux/amd64";

  public BuildOptions {
    buildArgs = Collections.unmodifiableMap(new LinkedHashMap<>(buildArgs));
    Objects.requireNonNull(targetPlatform);
    Objects.requireNonNull(buildPlatform);
    Objects.requireNonNull(baseImageEnv);
  }

  public static BuildOptions defaults() {
    return new BuildOptions(Map.of(), null, DEFAULT_PLATFORM, DEFAULT_PLATFORM, image -> Map.of());
  }

  public BuildOptions withBuildArgs(Map<String, String> args) {
    return new BuildOptions(args, target, targetPlatform, buildPlatform, baseImageEnv);
  }

  public BuildOptions withTarget(String t) {
    return new BuildOptions(buildArgs, t, targetPlatform, buildPlatform, baseImageEnv);
  }

  public BuildOptions withPlatforms(String target, String build) {
    return new BuildOptions(buildArgs, this.target, target, build, baseImageEnv);
  }

  public BuildOptions withBaseImageEnv(Function<String, Map<String, String>> f) {
    return new BuildOptions(buildArgs, target, targetPlatform, buildPlatform, f);
  }
}
