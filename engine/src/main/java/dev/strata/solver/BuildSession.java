package dev.strata.solver;

import dev.strata.layer.snapshot.Snapshotter;
import dev.strata.rootless.Namespace;
import dev.strata.store.Store;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code strata build}'s two attempts (DESIGN.md "Rootless model"): outside Strata's namespace, the
 * cache-only one, which needs no unpack, mount or second JVM when every step hits; else, and always
 * inside, the full build with the isolation of RUN steps chosen there. The caller closes its
 * progress view before {@link #continueInside}: the second JVM draws the build from there.
 */
public final class BuildSession {
  private final Namespace namespace;
  private final Function<BuildTools, Solver> solvers;

  /**
   * @param solvers makes the solver for a build's tools (with its base resolver and registry)
   */
  public BuildSession(Namespace namespace, Function<BuildTools, Solver> solvers) {
    this.namespace = namespace;
    this.solvers = solvers;
  }

  /** A build done in this process, and the isolation its RUN steps had (none when all hit). */
  public record Built(BuildResult result, Optional<String> isolation) {}

  /**
   * The build in this process; empty when it must go on inside the namespace ({@link
   * #continueInside}).
   *
   * @param snapshotter overlay, copy or auto
   */
  public Optional<Built> build(
      Store store, BuildRequest req, String snapshotter, BuildProgress progress)
      throws IOException, InterruptedException {
    if (!Namespace.inside()) {
      return solvers
          .apply(new BuildTools(store, null, null, progress))
          .solveFromCache(req)
          .map(r -> new Built(r, Optional.empty()));
    }
    Snapshotter snap = ImageSnapshots.snapshotter(store, snapshotter);
    Namespace.Sandbox sandbox = namespace.sandbox(); // once per build
    progress.info("isolation: " + sandbox.isolation());
    BuildResult r =
        solvers.apply(new BuildTools(store, snap, sandbox.runner(), progress)).solve(req);
    return Optional.of(new Built(r, Optional.of(sandbox.isolation())));
  }

  /**
   * Runs the build again, {@code mainClass} with {@code argv}, in a JVM inside the namespace, with
   * the rung {@code --isolation} asks and the {@code --id-mapping} asked; returns its exit status.
   */
  public int continueInside(String isolation, String idMapping, String mainClass, List<String> argv)
      throws IOException, InterruptedException {
    return namespace.reexec(isolation, idMapping, mainClass, argv);
  }
}
