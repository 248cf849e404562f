package dev.strata.frontend.plan;

import dev.strata.frontend.instructions.Command;
import dev.strata.frontend.instructions.Instruction;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The readable listing {@code strata parse} prints without {@code --format json}. */
public final class PlanText {
  private PlanText() {}

  private static Command command(Instruction in) {
    if (in instanceof Instruction.Run r) {
      return r.command();
    }
    if (in instanceof Instruction.Cmd c) {
      return c.command();
    }
    if (in instanceof Instruction.Entrypoint e) {
      return e.command();
    }
    return null;
  }

  private static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
  }

  public static String write(BuildPlan plan) {
    StringBuilder b = new StringBuilder();
    for (Stage s : plan.stages()) {
      b.append("stage ").append(s.index());
      if (s.name() != null) {
        b.append(" (").append(s.name()).append(')');
      }
      b.append(": FROM ").append(s.base());
      if (s.platform() != null) {
        b.append(" --platform=").append(s.platform());
      }
      if (!s.dependsOn().isEmpty()) {
        b.append("  needs ")
            .append(s.dependsOn().stream().map(String::valueOf).collect(Collectors.joining(", ")));
      }
      b.append('\n');
      for (Step step : s.steps()) {
        Instruction in = step.instruction();
        b.append(String.format("  %4d  %s", in.location().startLine(), in.keyword()));
        for (Map.Entry<String, List<String>> f : in.flags().entrySet()) {
          for (String v : f.getValue()) {
            b.append(" --").append(f.getKey()).append('=').append(v);
          }
        }
        Command cmd = command(in);
        if (cmd != null && !cmd.exec()) {
          b.append(' ').append(cmd.shellLine().replace("\n", "\\n"));
        } else if (cmd != null || in instanceof Instruction.Shell) {
          b.append(' ')
              .append(
                  in.args().stream()
                      .map(PlanText::quote)
                      .collect(Collectors.joining(", ", "[", "]")));
        } else {
          for (String a : in.args()) {
            b.append(' ').append(a.contains(" ") || a.contains("\"") || a.isEmpty() ? quote(a) : a);
          }
        }
        if (!in.heredocs().isEmpty()) {
          b.append("  [heredocs: ")
              .append(in.heredocs().stream().map(h -> h.name()).collect(Collectors.joining(", ")))
              .append(']');
        }
        b.append('\n');
      }
    }
    b.append("target: ").append(plan.targetStage().displayName()).append('\n');
    b.append("build order:");
    for (List<Integer> wave : plan.buildOrder()) {
      b.append(" ").append(wave);
    }
    b.append('\n');
    for (String w : plan.warnings()) {
      b.append("warning: ").append(w).append('\n');
    }
    return b.toString();
  }
}
