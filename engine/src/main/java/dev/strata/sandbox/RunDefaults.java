package dev.strata.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an image says about running it (its config's Entrypoint, Cmd, Env, User, WorkingDir), and
 * how {@code strata run}'s arguments override it, as {@code podman run} does. A plain rootfs
 * directory has {@link #NONE}.
 */
public record RunDefaults(
    List<String> entrypoint,
    List<String> cmd,
    List<String> env,
    Optional<String> user,
    Optional<String> workdir) {

  /** No image config: {@code /bin/sh} when no command is given. */
  public static final RunDefaults NONE =
      new RunDefaults(List.of(), List.of("/bin/sh"), List.of(), Optional.empty(), Optional.empty());

  public RunDefaults {
    entrypoint = List.copyOf(entrypoint);
    cmd = List.copyOf(cmd);
    env = List.copyOf(env);
  }

  /**
   * The spec for running in {@code rootfs}: ENTRYPOINT + (args, or CMD without args); the image's
   * ENV overridden key by key by {@code envOverrides}; user and workdir overridden when given.
   */
  public SandboxSpec toSpec(
      Path rootfs,
      List<String> args,
      List<String> envOverrides,
      Optional<String> userOverride,
      Optional<String> workdirOverride,
      NetworkMode network) {
    List<String> command = new ArrayList<>(entrypoint);
    command.addAll(args.isEmpty() ? cmd : args);
    if (command.isEmpty()) {
      throw new IllegalArgumentException("no command: the image has no ENTRYPOINT or CMD");
    }
    Map<String, String> merged = new LinkedHashMap<>();
    for (List<String> list : List.of(env, envOverrides)) {
      for (String e : list) {
        int eq = e.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("environment entry \"" + e + "\" is not KEY=VALUE");
        }
        merged.put(e.substring(0, eq), e.substring(eq + 1));
      }
    }
    List<String> envList = new ArrayList<>();
    merged.forEach((k, v) -> envList.add(k + "=" + v));
    return SandboxSpec.of(rootfs, command, envList)
        .withUser(userOverride.or(() -> user))
        .withWorkdir(workdirOverride.or(() -> workdir))
        .withNetwork(network);
  }
}
