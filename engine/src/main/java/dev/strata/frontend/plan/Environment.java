package dev.strata.frontend.plan;

import java.util.List;
import java.util.Map;

/**
 * The variables in scope at one step, before it runs: what its words were expanded with, and what a
 * RUN sees.
 *
 * <p>As in BuildKit, ARG and ENV write to one scope and the last writer wins: {@code ENV} after
 * {@code ARG} hides the build arg (the Dockerfile reference's "ENV always overrides ARG" example),
 * and an {@code ARG} after an {@code ENV} of the same name changes what later steps see during the
 * build, though not the image's ENV.
 *
 * <p>Each scope is a length into its stage's {@link WriteLog}s, so a step costs no copy of the
 * variables; the maps are made when asked for (a RUN's environment, the next stage's start).
 */
public final class Environment {
  public static final List<String> DEFAULT_SHELL = List.of("/bin/sh", "-c");

  /** The PATH a Linux image without one gets (BuildKit's system.DefaultPathEnv). */
  public static final String DEFAULT_PATH =
      "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private final WriteLog vars;
  private final int varsLength;
  private final WriteLog env;
  private final int envLength;
  private final WriteLog args;
  private final int argsLength;
  private final List<String> shell;

  /**
   * @param vars every variable in scope, in the order first set (BuildKit's state env)
   * @param env the image's ENV (including the base stage's or image's), in definition order
   * @param args ARG variables declared in this stage that have a value, in declaration order
   * @param shell the SHELL in effect for shell-form commands
   */
  public Environment(
      Map<String, String> vars,
      Map<String, String> env,
      Map<String, String> args,
      List<String> shell) {
    this(WriteLog.of(vars), WriteLog.of(env), WriteLog.of(args), shell);
  }

  /** The scopes as the logs stand now; later writes to them are not seen. */
  Environment(WriteLog vars, WriteLog env, WriteLog args, List<String> shell) {
    this.vars = vars;
    this.varsLength = vars.size();
    this.env = env;
    this.envLength = env.size();
    this.args = args;
    this.argsLength = args.size();
    this.shell = List.copyOf(shell);
  }

  /** Every variable in scope, in the order first set (BuildKit's state env); unmodifiable. */
  public Map<String, String> vars() {
    return vars.replay(varsLength);
  }

  /** The image's ENV (including the base stage's or image's), in definition order; unmodifiable. */
  public Map<String, String> env() {
    return env.replay(envLength);
  }

  /** ARG variables declared in this stage that have a value, in declaration order; unmodifiable. */
  public Map<String, String> args() {
    return args.replay(argsLength);
  }

  /** The SHELL in effect for shell-form commands. */
  public List<String> shell() {
    return shell;
  }

  /** A variable as expansion sees it, or null when unset. */
  public String lookup(String name) {
    return vars.get(name, varsLength);
  }

  /**
   * The environment of a RUN command. Proxy build args reach RUN through {@link
   * BuildPlan#proxyArgs()} without a declaration.
   */
  public Map<String, String> runEnv() {
    return vars();
  }

  @Override
  public String toString() {
    return "Environment[vars="
        + vars()
        + ", env="
        + env()
        + ", args="
        + args()
        + ", shell="
        + shell
        + "]";
  }
}
