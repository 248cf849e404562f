package dev.strata.layer.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** The contract on the copy snapshotter, in this JVM (no namespace needed). */
class CopySnapshotterTest {
  @TempDir static Path tmp;
  static Map<String, SnapshotterContract.Outcome> outcomes;

  static synchronized Map<String, SnapshotterContract.Outcome> outcomes() throws Exception {
    if (outcomes == null) {
      outcomes = SnapshotterContract.run(Snapshotter.copy(tmp.resolve("store")));
    }
    return outcomes;
  }

  @TestFactory
  Stream<DynamicTest> everyScenario_givesTheExpectedEntries() {
    return SnapshotterContract.scenarios().stream()
        .map(
            sc ->
                DynamicTest.dynamicTest(
                    sc.name(),
                    () ->
                        assertEquals(
                            sc.expected(),
                            SnapshotterContract.namesAndTypes(
                                outcomes().get(sc.name()).entries()))));
  }

  @Test
  void chown_isCarriedEvenWhereTheNamespaceCannotApplyIt() throws Exception {
    List<String> e = outcomes().get("chown").entries();
    assertTrue(e.get(2).contains(" 1234:1235"), e.toString());
  }

  @Test
  void chmod_keepsSetuid() throws Exception {
    List<String> e = outcomes().get("chmod").entries();
    assertTrue(e.get(2).startsWith("usr/bin/tool 0 4755 "), e.toString());
  }

  @Test
  void layersAreFlattenedOncePerChain_andSnapshotsCleanedUp() throws Exception {
    outcomes();
    try (var s = Files.list(tmp.resolve("store/chains"))) {
      assertEquals(2, s.count(), "one dir per chain prefix");
    }
    try (var s = Files.list(tmp.resolve("store/work"))) {
      assertEquals(0, s.count(), "closed snapshots leave nothing");
    }
  }
}
