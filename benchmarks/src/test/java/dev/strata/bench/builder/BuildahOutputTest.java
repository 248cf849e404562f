package dev.strata.bench.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.strata.bench.result.StepResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Counting buildah's hits from its output (the method BuildahBuilder's comment states). */
class BuildahOutputTest {
  @Test
  void stepsUsingCacheAreHitsOthersRunMetadataUncounted() {
    String out =
        String.join(
            "\n",
            "[1/2] STEP 1/4: FROM golang:1.19 AS builder",
            "[1/2] STEP 2/4: COPY go.mod ./",
            "--> Using cache 5b1e0a",
            "--> 5b1e0a",
            "[1/2] STEP 3/4: COPY . .",
            "--> 9f8e7d",
            "[1/2] STEP 4/4: RUN go build -o /app .",
            "building...",
            "--> 1a2b3c",
            "[2/2] STEP 1/3: FROM scratch",
            "[2/2] STEP 2/3: COPY --from=builder /app /app",
            "--> Using cache 77aa88",
            "--> 77aa88",
            "[2/2] STEP 3/3: CMD [\"/app\"]",
            "--> Using cache 99bb00",
            "[2/2] COMMIT bench",
            "--> 99bb00",
            "Successfully tagged localhost/bench:latest",
            "");
    List<StepResult> steps = BuildahBuilder.parseSteps(out);
    assertEquals(7, steps.size());
    assertEquals(
        java.util.Arrays.asList(null, "hit", "miss", "miss", null, "hit", null),
        steps.stream().map(StepResult::cache).toList());
    assertEquals(List.of(0, 0, 0, 0, 1, 1, 1), steps.stream().map(StepResult::stage).toList());
    assertEquals("RUN go build -o /app .", steps.get(3).instruction());
  }

  @Test
  void singleStageOutput() {
    String out = "STEP 1/2: FROM busybox\nSTEP 2/2: RUN true\n--> Using cache abc\nCOMMIT x\n";
    List<StepResult> steps = BuildahBuilder.parseSteps(out);
    assertEquals("hit", steps.get(1).cache());
  }
}
