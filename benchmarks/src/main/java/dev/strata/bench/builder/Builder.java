package dev.strata.bench.builder;

import dev.strata.bench.result.BuildResult;
import java.io.IOException;
import java.util.List;

/**
 * An image builder under measurement. Each instance owns one persistent store for the whole run, so
 * every build after the first meets the cache the earlier ones left.
 */
public interface Builder {
  /** The name used in --builders, results.json and the report. */
  String name();

  /** Why this builder cannot run here (a missing tool, named with its package), or null. */
  String missing();

  /** What the builder says its version is (checked only when {@link #missing} is null). */
  String version() throws IOException, InterruptedException;

  /** How this builder's hits and misses are counted, for the report. */
  String hitMethod();

  /** Puts the base images into this builder's store; not timed. */
  void prepare(List<BaseImage> bases) throws IOException, InterruptedException;

  /** Builds once, timed; a failed build is a result with status "failed", not an exception. */
  BuildResult build(BuildRequest request) throws IOException, InterruptedException;
}
