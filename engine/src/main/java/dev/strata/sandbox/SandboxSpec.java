package dev.strata.sandbox;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One command to run in a rootfs: the complete input of the sandbox, checked at creation.
 *
 * @param rootfs the root directory (must exist); mount points the sandbox creates in it are removed
 *     afterwards
 * @param command the argv, searched on the PATH of {@code env}
 * @param env the whole environment as KEY=VALUE (PATH and HOME get docker's defaults if absent)
 * @param user USER as in a Dockerfile (name|uid[:group|gid]), resolved in the rootfs; empty: root
 * @param workdir absolute WORKDIR, created when missing; empty: /
 * @param network host or none
 * @param hostname the sandbox's hostname; empty: the host's
 * @param mounts extra binds and tmpfs, made in this order (see {@link SandboxMount})
 * @param security its capabilities and seccomp filter
 */
public record SandboxSpec(
    Path rootfs,
    List<String> command,
    List<String> env,
    Optional<String> user,
    Optional<String> workdir,
    NetworkMode network,
    Optional<String> hostname,
    List<SandboxMount> mounts,
    SandboxSecurity security) {

  public SandboxSpec {
    command = List.copyOf(command);
    mounts = List.copyOf(mounts);
    env = List.copyOf(env);
    Objects.requireNonNull(security, "security");
    if (command.isEmpty()) {
      throw new IllegalArgumentException("no command to run");
    }
    for (String e : env) {
      if (e.indexOf('=') <= 0) {
        throw new IllegalArgumentException("environment entry \"" + e + "\" is not KEY=VALUE");
      }
      if (e.indexOf('\0') >= 0) {
        // name only: the value may be a secret
        throw new IllegalArgumentException(
            "environment variable " + e.substring(0, e.indexOf('=')) + " holds a NUL byte");
      }
    }
    workdir.ifPresent(
        w -> {
          if (!w.startsWith("/")) {
            throw new IllegalArgumentException("WORKDIR " + w + " is not an absolute path");
          }
        });
    user.ifPresent(
        u -> {
          if (u.isEmpty() || u.contains("\n")) {
            throw new IllegalArgumentException("bad USER \"" + u + "\"");
          }
        });
  }

  /** The default {@link SandboxSecurity}. */
  public SandboxSpec(
      Path rootfs,
      List<String> command,
      List<String> env,
      Optional<String> user,
      Optional<String> workdir,
      NetworkMode network,
      Optional<String> hostname,
      List<SandboxMount> mounts) {
    this(rootfs, command, env, user, workdir, network, hostname, mounts, SandboxSecurity.DEFAULT);
  }

  /** No extra mounts (the form before {@link #mounts()} existed). */
  public SandboxSpec(
      Path rootfs,
      List<String> command,
      List<String> env,
      Optional<String> user,
      Optional<String> workdir,
      NetworkMode network,
      Optional<String> hostname) {
    this(rootfs, command, env, user, workdir, network, hostname, List.of());
  }

  /** Root in {@code rootfs}, host network, the given command and environment. */
  public static SandboxSpec of(Path rootfs, List<String> command, List<String> env) {
    return new SandboxSpec(
        rootfs,
        command,
        env,
        Optional.empty(),
        Optional.empty(),
        NetworkMode.HOST,
        Optional.empty());
  }

  public SandboxSpec withUser(Optional<String> u) {
    return new SandboxSpec(rootfs, command, env, u, workdir, network, hostname, mounts, security);
  }

  public SandboxSpec withWorkdir(Optional<String> w) {
    return new SandboxSpec(rootfs, command, env, user, w, network, hostname, mounts, security);
  }

  public SandboxSpec withNetwork(NetworkMode n) {
    return new SandboxSpec(rootfs, command, env, user, workdir, n, hostname, mounts, security);
  }

  public SandboxSpec withHostname(Optional<String> h) {
    return new SandboxSpec(rootfs, command, env, user, workdir, network, h, mounts, security);
  }

  /** The same spec with {@code m} as its extra mounts (replacing any). */
  public SandboxSpec withMounts(List<SandboxMount> m) {
    return new SandboxSpec(rootfs, command, env, user, workdir, network, hostname, m, security);
  }

  public SandboxSpec withSecurity(SandboxSecurity s) {
    return new SandboxSpec(rootfs, command, env, user, workdir, network, hostname, mounts, s);
  }
}
