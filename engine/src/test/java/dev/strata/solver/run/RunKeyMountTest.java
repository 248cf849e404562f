package dev.strata.solver.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.strata.buildcache.KeyInputs;
import dev.strata.frontend.plan.Mount;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A RUN mount's text in the key is written out by KeyInputs, and is the text keys had when they
 * were made from the frontend record's {@code toString()}: stores warmed before still hit.
 */
class RunKeyMountTest {
  @Test
  void aMountKeysAsItDidBefore() {
    List<Mount> mounts =
        List.of(
            new Mount(
                "cache",
                "/root/.cache",
                null,
                null,
                false,
                "go",
                "locked",
                "0755",
                0L,
                1L,
                false,
                null,
                null),
            new Mount(
                "bind", "/src", "src", "builder", true, null, null, null, null, null, true, "1m",
                "X"));
    List<KeyInputs.Mount> keyed = mounts.stream().map(RunOp::keyMount).toList();
    assertEquals(mounts.toString(), KeyInputs.mountsText(keyed, List.of()));
  }
}
