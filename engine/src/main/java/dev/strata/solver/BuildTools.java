package dev.strata.solver;

import dev.strata.layer.snapshot.Snapshotter;
import dev.strata.sandbox.SandboxRunner;
import dev.strata.store.Store;

/**
 * What a build runs with: the store it reads and writes, the snapshotter that makes step rootfses,
 * the sandbox RUN steps run in (null where nothing may run: the cache-only attempt outside the
 * namespace) and where its progress events go.
 */
public record BuildTools(
    Store store, Snapshotter snapshotter, SandboxRunner sandbox, BuildProgress progress) {
  /** The same tools sending their events to {@code other}. */
  BuildTools withProgress(BuildProgress other) {
    return new BuildTools(store, snapshotter, sandbox, other);
  }
}
