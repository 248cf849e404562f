package dev.strata.sandbox;

import dev.strata.nshelper.NativeProtocol;

/**
 * What a sandboxed command may do besides what its ids allow (DESIGN.md "What a step can reach").
 *
 * @param capabilities its capability set (bit N: capability N; see {@link Capabilities}): the
 *     bounding set, and the effective and permitted sets when it runs as uid 0
 * @param seccomp whether podman's default seccomp profile filters its system calls
 */
public record SandboxSecurity(long capabilities, boolean seccomp) {
  /** Docker's default capabilities and podman's default seccomp profile. */
  public static final SandboxSecurity DEFAULT =
      new SandboxSecurity(NativeProtocol.DOCKER_CAPS, true);

  /**
   * {@code RUN --security=insecure} (BuildKit, with {@code --allow security.insecure}): every
   * capability of Strata's user namespace and no seccomp filter; the namespace still bounds it.
   */
  public static final SandboxSecurity INSECURE = new SandboxSecurity(Capabilities.ALL, false);

  public SandboxSecurity withCapabilities(long caps) {
    return new SandboxSecurity(caps, seccomp);
  }

  public SandboxSecurity withSeccomp(boolean on) {
    return new SandboxSecurity(capabilities, on);
  }
}
