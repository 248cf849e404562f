package dev.strata.frontend.plan;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The variables in scope at one step, before it runs: what its words were expanded with, and what
 * a RUN sees.
 *
 * <p>As in BuildKit, ARG and ENV write to one scope and the last writer wins: {@code ENV} after
 * {@code ARG} hides the build arg (the Dockerfile reference's "ENV always overrides ARG"
 * example), and an {@code ARG} after an {@code ENV} of the same name changes what later steps see
 * during the build, though not the image's ENV.
 *
 * @param vars every variable in scope, in the order first set (BuildKit's state env)
 * @param env the image's ENV (including the base stage's or image's), in definition order
 * @param args ARG variables declared in this stage that have a value, in declaration order
 * @param shell the SHELL in effect for shell-form commands
 */
public record Environment(
    Map<String, String> vars, Map<String, String> env, Map<String, String> args, List<String> shell) {
  public static final List<String> DEFAULT_SHELL = List.of("/bin/sh", "-c");

  /** The PATH a Linux image without one gets (BuildKit's system.DefaultPathEnv). */
  public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  public Environment {
    vars = Collections.unmodifiableMap(new LinkedHashMap<>(vars));
    env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
    args = Collections.unmodifiableMap(new LinkedHashMap<>(args));
    shell = List.copyOf(shell);
  }

  /** A variable as expansion sees it, or null when unset. */
  public String lookup(String name) {
    return vars.get(name);
  }

  /**
   * The environment of a RUN command. Proxy build args reach RUN through {@link
   * BuildPlan#proxyArgs()} without a declaration.
   */
  public Map<String, String> runEnv() {
    return vars;
  }
}
