package dev.strata.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.strata.oci.Digest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which cache layers a prune drops: least recently used first, as many as the bound needs. */
class CachePruneTest {
  private static final Instant NOW = Instant.parse("2026-12-07T22:00:00Z");

  private static CachePrune.Candidate layer(int n, long bytes, Duration age) {
    return new CachePrune.Candidate(
        Digest.sha256(new byte[] {(byte) n}),
        bytes,
        new CachePrune.LastUse(NOW.minus(age), "RUN " + n),
        List.of());
  }

  private static final List<CachePrune.Candidate> LRU =
      List.of(
          layer(1, 40, Duration.ofDays(9)),
          layer(2, 30, Duration.ofDays(2)),
          layer(3, 20, Duration.ofHours(1)));

  private static List<String> chosen(CachePrune.Options o, long total, long anyway) {
    return CachePrune.choose(LRU, o, total, anyway, NOW).stream()
        .map(c -> c.candidate().step())
        .toList();
  }

  @Test
  void keepStorageDropsTheOldestUntilUnder() {
    // 150 bytes, 10 go anyway (leftovers): 140 -> drop 40 -> 100, still over 90 -> drop 30 -> 70
    assertEquals(
        List.of("RUN 1", "RUN 2"), chosen(new CachePrune.Options(90, null, Set.of()), 150, 10));
    assertEquals(List.of(), chosen(new CachePrune.Options(200, null, Set.of()), 150, 0));
  }

  @Test
  void keepDurationDropsWhatIsOlderWhateverTheSize() {
    assertEquals(
        List.of("RUN 1"), chosen(new CachePrune.Options(-1, Duration.ofDays(7), Set.of()), 150, 0));
    assertEquals(
        List.of("RUN 1", "RUN 2"),
        chosen(new CachePrune.Options(-1, Duration.ofDays(1), Set.of()), 150, 0));
  }

  @Test
  void noBoundDropsEveryCandidate() {
    assertEquals(3, chosen(new CachePrune.Options(-1, null, Set.of()), 150, 0).size());
  }
}
