package dev.strata.solver;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.oci.Json;
import dev.strata.store.Store;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The builds the store's index recorded (README "Build statistics"), oldest first: what {@code
 * strata cache explain} and {@code history} show, and what a build compares its misses against (the
 * previous build of the same Dockerfile). Records of versions that kept no time are left out.
 */
public final class BuildRecords {
  private final List<JsonNode> builds;

  private BuildRecords(List<JsonNode> builds) {
    this.builds = builds;
  }

  /** The builds recorded in {@code store}'s index. */
  public static BuildRecords of(Store store) {
    List<byte[]> raw = store.withIndex(idx -> idx.builds().all());
    List<JsonNode> out = new ArrayList<>();
    for (byte[] b : raw) {
      JsonNode n = Json.parse(b);
      if (n.hasNonNull("time")) {
        out.add(n);
      }
    }
    out.sort(Comparator.comparing((JsonNode n) -> n.get("time").asText()));
    return new BuildRecords(out);
  }

  /** Every build, oldest first. */
  public List<JsonNode> all() {
    return builds;
  }

  /** The builds of the Dockerfile at {@code dockerfilePath} (absolute), oldest first. */
  public List<JsonNode> of(String dockerfilePath) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode b : builds) {
      if (dockerfilePath.equals(b.path("dockerfilePath").asText())) {
        out.add(b);
      }
    }
    return out;
  }

  /** The last build of that Dockerfile, if any. */
  public Optional<JsonNode> last(String dockerfilePath) {
    List<JsonNode> mine = of(dockerfilePath);
    return mine.isEmpty() ? Optional.empty() : Optional.of(mine.get(mine.size() - 1));
  }

  /** {@code last} (the newest build) or the build whose id is or starts with {@code id}. */
  public Optional<JsonNode> find(String id) {
    if (builds.isEmpty()) {
      return Optional.empty();
    }
    if (id == null || id.equals("last")) {
      return Optional.of(builds.get(builds.size() - 1));
    }
    List<JsonNode> hits = new ArrayList<>();
    for (JsonNode b : builds) {
      if (b.path("buildId").asText().startsWith(id)) {
        hits.add(b);
      }
    }
    if (hits.size() > 1) {
      throw new BuildException("build id " + id + " is ambiguous: give more of it");
    }
    return hits.stream().findFirst();
  }
}
