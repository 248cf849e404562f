package dev.strata.frontend.plan;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The variables in scope at one step, before it runs: what its words were expanded with, and what
 * a RUN sees.
 *
 * @param env ENV variables (including the base stage's), in definition order
 * @param args ARG variables declared in this stage that have a value, in declaration order
 * @param shell the SHELL in effect for shell-form commands
 */
public record Environment(Map<String, String> env, Map<String, String> args, List<String> shell) {
  public static final List<String> DEFAULT_SHELL = List.of("/bin/sh", "-c");

  public Environment {
    env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
    args = Collections.unmodifiableMap(new LinkedHashMap<>(args));
    shell = List.copyOf(shell);
  }

  /** A variable as expansion sees it: ENV always wins over ARG (Dockerfile reference, ARG). */
  public String lookup(String name) {
    String v = env.get(name);
    return v != null ? v : args.get(name);
  }

  /**
   * The environment of a RUN command: ARG values, then ENV overriding them. Proxy build args
   * reach RUN through {@link BuildPlan#proxyArgs()} without a declaration.
   */
  public Map<String, String> runEnv() {
    Map<String, String> m = new LinkedHashMap<>(args);
    m.putAll(env);
    return Collections.unmodifiableMap(m);
  }
}
