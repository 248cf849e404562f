package dev.strata.bench.result;

import java.util.List;

/**
 * Everything one {@code strata bench} run measured (results.json, schema in README "strata bench").
 *
 * @param kind "replay" or "edits"
 * @param source the repository or context directory
 * @param range the commit range (replay) or the edit script (edits)
 * @param machine a line naming the machine (cores, memory, kernel)
 * @param startedAt ISO-8601 UTC
 */
public record BenchResults(
    int schemaVersion,
    String kind,
    String source,
    String range,
    String dockerfile,
    String target,
    String machine,
    String startedAt,
    List<BuilderInfo> builders,
    List<Point> points) {

  public static final int SCHEMA_VERSION = 1;

  public BenchResults {
    builders = List.copyOf(builders);
    points = List.copyOf(points);
  }

  /** The builds of one builder, one per point, in point order. */
  public List<BuildResult> buildsOf(String builder) {
    return points.stream()
        .flatMap(p -> p.builds().stream())
        .filter(b -> b.builder().equals(builder))
        .toList();
  }
}
