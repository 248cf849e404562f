package dev.strata.solver.run;

import dev.strata.frontend.plan.Mount;
import dev.strata.solver.BuildException;
import java.nio.file.Path;

/** Where a RUN --mount lies in the rootfs: its target made absolute against the WORKDIR. */
final class MountTarget {
  private MountTarget() {}

  /** The absolute target of {@code spec}, null when it has none (secret and ssh defaults). */
  static String of(Mount spec, String workdir) {
    String target = spec.target() == null ? null : absolute(spec.target(), workdir);
    if (target != null && Path.of(target).normalize().toString().equals("/")) {
      // BuildKit: "invalid mount target"; a mount with no target lies at the WORKDIR, here /
      throw new BuildException(
          "invalid mount target \"/\" for --mount type=" + spec.type() + ": name a target");
    }
    return target;
  }

  static String absolute(String target, String workdir) {
    if (target.startsWith("/")) {
      return target;
    }
    String base = workdir == null || workdir.isEmpty() ? "/" : workdir;
    return (base.endsWith("/") ? base : base + "/") + target;
  }
}
