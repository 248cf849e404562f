package dev.strata.cli;

import static dev.strata.cli.StrataProcess.strata;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.oci.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache as a user measures it (issue 16): a prune keeps what cached multi-stage builds need,
 * misses say why, and {@code strata cache} explains, sums up and bounds the store.
 */
class CacheExplainIT {
  @TempDir Path dir;

  @AfterEach
  void emptyTempDir() throws Exception {
    StrataProcess.removeContents(dir);
  }

  /** A busybox two-stage app: a builder that "compiles" sources, a final stage that copies. */
  static final String MULTI =
      "FROM busybox AS builder\n"
          + "WORKDIR /src\n"
          + "COPY . .\n"
          + "RUN cat src/*.txt | grep -v '^#' > /app\n"
          + "FROM busybox\n"
          + "COPY --from=builder /app /app\n"
          + "COPY --link --from=builder /app /app2\n"
          + "CMD [\"cat\", \"/app\"]\n";

  static JsonNode json(Path p) throws Exception {
    return Json.parse(Files.readAllBytes(p));
  }

  static List<String> caches(JsonNode stats) {
    List<String> l = new ArrayList<>();
    stats.get("steps").forEach(s -> l.add(s.get("cache").isNull() ? "-" : s.get("cache").asText()));
    return l;
  }

  @Test
  void aPruneKeepsWhatACachedMultiStageBuildNeeds() throws Exception {
    Path s = StrataProcess.busyboxStore(dir);
    Path ctx = StrataProcess.context(dir, MULTI, Map.of("src/a.txt", "a\n# note\n"));
    strata(s, "build", "-t", "m", ctx.toString()).ok();
    strata(s, "prune").ok();
    Path st = dir.resolve("st.json");
    StrataProcess.Result again =
        strata(s, "build", "-t", "m", "--stats-json", st.toString(), ctx.toString()).ok();
    // the facts COPY --from and --link recorded survive the prune: no mount needed to key them
    assertTrue(again.err().contains("every step cached: no namespace entered"), again.err());
    assertEquals(List.of("-", "-", "hit", "hit", "-", "hit", "hit", "-"), caches(json(st)));
  }
}
