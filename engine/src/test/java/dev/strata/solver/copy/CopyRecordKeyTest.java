package dev.strata.solver.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.strata.buildcache.CacheKey;
import dev.strata.buildcache.KeyInputs;
import dev.strata.frontend.ignore.DockerIgnore;
import dev.strata.frontend.plan.CopyOptions;
import dev.strata.oci.Digest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The record key of a linked copy (BuildKit's MergeOp: not chained to the layers below). */
class CopyRecordKeyTest {
  private static final CacheKey PARENT_A = CacheKey.base(Digest.sha256(new byte[] {1}));
  private static final CacheKey PARENT_B = CacheKey.base(Digest.sha256(new byte[] {2}));

  private static CopyOptions copy(String dest, Integer chmod, boolean link) {
    return new CopyOptions(
        false,
        List.of("a"),
        dest,
        null,
        null,
        chmod,
        link,
        false,
        List.of(),
        DockerIgnore.none(),
        null);
  }

  private static KeyInputs in(String files, String user, String workdir) {
    return KeyInputs.copy(user, workdir, files, List.of(), null);
  }

  private static final KeyInputs INPUTS = in("sha256:f", "u", "/w");

  @Test
  void aLinkedCopyIsFoundWhateverItsParentAndUser() {
    CopyOptions c = copy("/app/", null, true);
    CacheKey a = CopyOp.recordKey(c, PARENT_A.child("c", INPUTS), "c", INPUTS);
    CacheKey b =
        CopyOp.recordKey(c, PARENT_B.child("c", INPUTS), "c", in("sha256:f", "other", "/x"));
    assertEquals(a, b, "absolute dest: WORKDIR and USER do not matter");
    assertNotEquals(
        a,
        CopyOp.recordKey(c, PARENT_A.child("c", INPUTS), "c", in("sha256:g", null, null)),
        "the files do");
  }

  @Test
  void aRelativeDestKeepsWorkdirInTheKey() {
    CopyOptions c = copy("app/", null, true);
    assertNotEquals(
        CopyOp.recordKey(c, PARENT_A, "c", INPUTS),
        CopyOp.recordKey(c, PARENT_A, "c", in("sha256:f", "u", "/x")));
  }

  @Test
  void withoutLinkOrWithChmodTheChainedKeyIsUsed() {
    CacheKey chained = PARENT_A.child("c", INPUTS);
    assertEquals(chained, CopyOp.recordKey(copy("/a", null, false), chained, "c", INPUTS));
    // BuildKit merges only --link without --chmod (dockerfile2llb dispatchCopy)
    assertEquals(chained, CopyOp.recordKey(copy("/a", 0644, true), chained, "c", INPUTS));
    assertEquals(chained, CopyOp.recordKey(null, chained, "c", INPUTS), "a RUN");
  }
}
