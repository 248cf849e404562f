package dev.strata.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.strata.bench.result.StepResult;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CacheBustersTest {
  @Test
  void theFileThatChangesInEveryCommitRanksFirst() {
    CacheBusters c = CacheBusters.of(SampleResults.replay(), "strata");
    // main.go changes in commits 1-3 and busts 1 (its reason names it) and 3 (git's list, less
    // README.md, which .dockerignore drops); in 2, go.mod's change busts an earlier step (COPY
    // go.mod go.sum ./), so go.mod, not main.go, is blamed.
    assertEquals("cmd/app/main.go", c.files().get(0).name());
    assertEquals(2, c.files().get(0).builds());
    assertEquals(6.0, c.files().get(0).seconds()); // 2 steps of 1.5 s re-run, twice
    assertEquals(
        List.of("cmd/app/main.go", "go.mod"),
        c.files().stream().map(CacheBusters.Buster::name).toList());
    assertEquals("COPY . .", c.instructions().get(0).name());
    assertEquals(2, c.instructions().get(0).builds());
    assertEquals("COPY go.mod go.sum ./", c.instructions().get(1).name());
  }

  @Test
  void dockerignoredFilesAreNotBlamed() {
    var r = SampleResults.replay();
    assertEquals(List.of("README.md"), r.points().get(3).ignoredFiles());
    CacheBusters c = CacheBusters.of(r, "strata");
    assertEquals(List.of(), c.files().stream().filter(b -> b.name().equals("README.md")).toList());
  }

  @Test
  void filesNamedByTheReasonWin() {
    StepResult s =
        new StepResult(0, null, 3, "COPY . .", "miss", "2 files changed: a.go, b/c.go", 1, 1);
    assertEquals(
        Set.of("a.go", "b/c.go"),
        CacheBusters.blamedFiles(s, List.of("a.go", "b/c.go", "README.md"), false, "Dockerfile"));
  }

  @Test
  void aNameRelativeToTheCopySourceIsTheChangedContextFile() {
    StepResult s =
        new StepResult(
            0,
            null,
            4,
            "COPY src/ /app/src/",
            "miss",
            "1 file changed: a.txt (4 -> 8 bytes)",
            1,
            1);
    assertEquals(
        Set.of("src/a.txt"),
        CacheBusters.blamedFiles(s, List.of("src/a.txt", "deps.txt"), false, "Dockerfile"));
  }

  @Test
  void sizesAndOtherListsInTheReasonAreLeftOut() {
    StepResult s =
        new StepResult(
            0,
            null,
            3,
            "COPY . .",
            "miss",
            "2 files changed: a.go (120 -> 121 bytes), b/c.go; 1 file added: d.go",
            1,
            1);
    assertEquals(
        Set.of("a.go", "b/c.go"),
        CacheBusters.blamedFiles(s, List.of("a.go", "b/c.go", "d.go"), false, "Dockerfile"));
  }

  @Test
  void withoutNamesTheChangedFilesUnderTheSourcesAreBlamed() {
    StepResult s = new StepResult(0, null, 3, "COPY go.mod go.sum ./", "miss", "no record", 1, 1);
    assertEquals(
        Set.of("go.mod"),
        CacheBusters.blamedFiles(s, List.of("go.mod", "main.go"), false, "Dockerfile"));
  }

  @Test
  void aRunFirstMissingBlamesAChangedDockerfile() {
    StepResult s = new StepResult(0, null, 3, "RUN make", "miss", "no record", 1, 1);
    assertEquals(
        Set.of("Dockerfile"), CacheBusters.blamedFiles(s, List.of("main.go"), true, "Dockerfile"));
    assertEquals(Set.of(), CacheBusters.blamedFiles(s, List.of("main.go"), false, "Dockerfile"));
  }

  @ParameterizedTest
  @CsvSource({
    // file, COPY source, selected
    "main.go, ., true",
    "main.go, ./, true",
    "cmd/app/main.go, cmd, true",
    "cmd/app/main.go, cmd/, true",
    "cmd/app/main.go, ./cmd/app, true",
    "cmdx/main.go, cmd, false",
    "go.mod, go.*, true",
    "go.sum, go.mod, false",
    "src/a/b.txt, src/*/b.txt, true",
    "src/a/c/b.txt, src/*/b.txt, false",
  })
  void copySources(String file, String source, boolean selected) {
    assertEquals(selected, CacheBusters.under(file, source));
  }
}
