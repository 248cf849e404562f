package dev.strata.solver.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.frontend.instructions.Instruction;
import dev.strata.frontend.plan.Step;
import dev.strata.oci.ImageConfig;
import dev.strata.solver.BuildRequest;
import dev.strata.solver.StepText;
import java.time.Instant;

/**
 * The metadata-only steps (ENV, LABEL, WORKDIR, USER, CMD, ...): they change the image config and
 * add a history entry without a layer, never run and are not looked up in the cache (their key is
 * the parent's and their text).
 */
public final class ConfigOp {
  private ConfigOp() {}

  /**
   * The config after {@code step}; {@code cmdSetHere} tells whether this stage set CMD. ARG changes
   * no field but leaves a history entry, as BuildKit's dispatchArg does: {@code ARG NAME=value},
   * the value the stage resolved (a --build-arg's, the expanded default or the global one), or
   * {@code ARG NAME} when it has none.
   */
  public static ImageConfig apply(
      ImageConfig config, Step step, boolean cmdSetHere, BuildRequest req) {
    Instruction in = step.instruction();
    ImageConfig c = ConfigChanges.apply(config, in, step.env().shell(), cmdSetHere);
    // BuildKit's history names the WORKDIR it set (joined to the previous one), not the argument
    String createdBy =
        in instanceof Instruction.Workdir
            ? "WORKDIR " + c.workingDir()
            : StepText.createdBy(in, step);
    return c.withLayer(null, historyTime(c, req), createdBy, null);
  }

  /**
   * The time of the newest history entry, else the config's: what a metadata-only step and the
   * image's {@code created} take, so they too stay the same when nothing ran.
   */
  public static Instant historyTime(ImageConfig c, BuildRequest req) {
    if (req.output().sourceDateEpoch() != null) {
      return req.output().created();
    }
    JsonNode h = c.json().path("history");
    if (h.isArray() && h.size() > 0) {
      String t = h.get(h.size() - 1).path("created").asText("");
      try {
        return Instant.parse(t);
      } catch (RuntimeException e) {
        // an image with odd history times: fall through
      }
    }
    return c.created() != null ? c.created() : req.output().created();
  }
}
