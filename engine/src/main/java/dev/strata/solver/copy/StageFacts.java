package dev.strata.solver.copy;

import dev.strata.oci.Digest;
import dev.strata.solver.StageResult;
import dev.strata.solver.StepContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Facts COPY learns from a stage's files (the content hash of what {@code --from} selects, a linked
 * copy's resolved {@code --chown}), kept in the index under content addresses and shared through
 * --cache-to/--cache-from, so a build whose steps all hit needs no mount for them.
 */
final class StageFacts {
  private final StepContext ctx;

  StageFacts(StepContext ctx) {
    this.ctx = ctx;
  }

  /** What is learnt from a stage's files, computed inside the namespace. */
  interface MountedWork {
    String compute() throws IOException;
  }

  /**
   * A fact about the files of {@code layers} (a content hash, resolved ids), computed once with
   * them mounted and recorded under content addresses, {@code kind|diffIDs|what}, so a build whose
   * steps all hit takes it without a mount; in the cache-only attempt a fact not yet recorded is
   * empty: the build needs the namespace.
   */
  Optional<String> recorded(
      String kind, List<StageResult.Layer> layers, String what, MountedWork work)
      throws IOException {
    StringBuilder id = new StringBuilder(kind).append('|');
    layers.forEach(l -> id.append(l.diffId()).append('|'));
    id.append(what);
    String key = Digest.sha256(id.toString().getBytes(StandardCharsets.UTF_8)).toString();
    String known = ctx.store().withIndex(idx -> idx.fact(key));
    if (known == null && (known = ctx.imported().fact(key)) != null) {
      String fact = known;
      ctx.store()
          .withIndex(
              idx -> {
                idx.putFact(key, fact);
                return null;
              });
    }
    if (known != null) {
      ctx.facts().put(key, known);
      return Optional.of(known);
    }
    if (ctx.keysOnly()) {
      return Optional.empty();
    }
    String value = work.compute();
    ctx.facts().put(key, value);
    ctx.store()
        .withIndex(
            idx -> {
              idx.putFact(key, value);
              return null;
            });
    return Optional.of(value);
  }
}
