package dev.strata.solver;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.frontend.instructions.Instruction;
import dev.strata.frontend.plan.Step;
import dev.strata.oci.Json;
import dev.strata.solver.config.ConfigChanges;
import java.util.TreeMap;

/**
 * A step's text: as a one-line error quotes it, as its cache key sees it, as history names it. A
 * RUN may be megabytes long (a generated line, an inlined script), and the error must stay a line a
 * terminal shows: the start, then how long it was.
 */
public final class StepText {
  /** Characters of a step kept in an error; enough to recognise the line. */
  static final int SHOWN = 80;

  private StepText() {}

  public static String clip(String text) {
    String t = text.strip().replace('\n', ' ');
    return t.length() <= SHOWN ? t : t.substring(0, SHOWN) + "... (" + t.length() + " characters)";
  }

  /** The instruction as the cache key sees it: keyword, expanded args, flags, heredocs. */
  public static String canonical(Instruction in) {
    ObjectNode o = Json.object();
    o.put("keyword", in.keyword());
    o.set("args", ConfigChanges.strings(in.args()));
    ObjectNode flags = o.putObject("flags");
    new TreeMap<>(in.flags()).forEach((k, v) -> flags.set(k, ConfigChanges.strings(v)));
    ArrayNode h = o.putArray("heredocs");
    in.heredocs().forEach(d -> h.addObject().put("name", d.name()).put("content", d.content()));
    return Json.text(o);
  }

  /** history's created_by, in BuildKit's words. */
  public static String createdBy(Instruction in, Step step) {
    if (in instanceof Instruction.Run r) {
      String cmd =
          r.command().exec()
              ? String.join(" ", r.command().args())
              : String.join(" ", step.env().shell()) + " " + r.command().shellLine();
      return "RUN " + cmd + " # buildkit";
    }
    return in.keyword()
        + " "
        + String.join(" ", in.args())
        + (in instanceof Instruction.Copy || in instanceof Instruction.Add ? " # buildkit" : "");
  }
}
