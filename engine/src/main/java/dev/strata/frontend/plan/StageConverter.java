package dev.strata.frontend.plan;

import dev.strata.frontend.instructions.Expander;
import dev.strata.frontend.instructions.Instruction;
import dev.strata.frontend.instructions.KeyValue;
import dev.strata.frontend.shell.ExpansionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Converts the instructions of one stage: keeps the variables in scope (ENV, ARG, SHELL), expands
 * each instruction with the scope before it, parses RUN mounts and options and checks COPY/ADD
 * options ({@link CopyConverter}), and records the stages that COPY --from and RUN --mount from=
 * refer to.
 */
final class StageConverter {
  /** A converted stage; its dependencies are known only once every stage is converted. */
  record Result(
      int index, Instruction.From from, Integer baseStage, List<Step> steps, Environment end) {
    Stage stage(List<Integer> dependsOn) {
      return new Stage(
          index,
          from.name(),
          from.image(),
          baseStage,
          from.platform(),
          dependsOn,
          steps,
          from.location());
    }
  }

  private final BuildPlanner planner;
  private final int index;
  private final Map<String, Integer> byName;
  private final int stageCount;
  private final StageGraph graph;

  StageConverter(
      BuildPlanner planner,
      int index,
      Map<String, Integer> byName,
      int stageCount,
      StageGraph graph) {
    this.planner = planner;
    this.index = index;
    this.byName = byName;
    this.stageCount = stageCount;
    this.graph = graph;
  }

  /**
   * Converts the stage body starting from {@code start}: a base stage's final scope (BuildKit: ARG
   * values of a base stage are inherited by stages built FROM it, as its ENV and SHELL are) or an
   * image's ENV.
   */
  Result convert(Instruction.From from, Integer base, List<Instruction> body, Environment start)
      throws PlanException {
    WriteLog env = WriteLog.of(start.env());
    WriteLog vars = WriteLog.of(start.vars());
    WriteLog args = WriteLog.of(start.args());
    List<String> shell = start.shell();
    List<Step> steps = new ArrayList<>(body.size());
    for (Instruction in : body) {
      Environment scope = new Environment(vars, env, args, shell);
      Expander e = planner.expander(scope::lookup);
      Instruction out;
      List<Mount> mounts = List.of();
      RunOptions run = null;
      CopyOptions copy = null;
      try {
        if (in instanceof Instruction.Arg a) {
          List<KeyValue> resolved = new ArrayList<>();
          for (KeyValue decl : a.declarations()) {
            // Each declaration sees the ones before it (ARG A=1 B=$A).
            String value =
                planner.stageArgValue(decl, planner.expander(name -> vars.get(name, vars.size())));
            if (value != null) {
              args.put(decl.key(), value);
              vars.put(decl.key(), value);
            }
            resolved.add(new KeyValue(decl.key(), value));
          }
          out = new Instruction.Arg(a.location(), resolved);
        } else {
          out = in.expand(e);
        }
      } catch (ExpansionException ex) {
        throw new PlanException(ex.getMessage(), in.location(), ex.source());
      }
      if (out instanceof Instruction.Env en) {
        // All pairs of one ENV expand with the scope before it (ENV a=1 b=$a sees the old a).
        for (KeyValue kv : en.vars()) {
          env.put(kv.key(), kv.value());
          vars.put(kv.key(), kv.value());
        }
      } else if (out instanceof Instruction.Shell sh) {
        shell = sh.shell();
      } else if (out instanceof Instruction.Copy || out instanceof Instruction.Add) {
        copy = CopyConverter.convert(out);
        if (copy.from() != null) {
          reference(copy.from(), in, "--from");
        }
      } else if (out instanceof Instruction.Run r) {
        run = RunOptions.of(r);
        List<Mount> ms = new ArrayList<>();
        for (String m : r.mounts()) {
          Mount mount = RunMountConverter.convert(m, in.location());
          if (mount.from() != null) {
            reference(mount.from(), in, "--mount");
          }
          ms.add(mount);
        }
        mounts = ms;
      }
      steps.add(new Step(out, scope, mounts, run, copy));
    }
    return new Result(index, from, base, steps, new Environment(vars, env, args, shell));
  }

  /** A stage name or index makes an edge; anything else is an image reference. */
  private void reference(String ref, Instruction in, String token) throws PlanException {
    Integer target = null;
    if (ref.matches("[0-9]+")) {
      long n = Long.parseLong(ref.length() > 9 ? "999999999" : ref);
      if (n >= stageCount) {
        throw new PlanException(
            "invalid stage index "
                + ref
                + ": the Dockerfile has "
                + stageCount
                + " stage"
                + (stageCount == 1 ? "" : "s")
                + " (0 to "
                + (stageCount - 1)
                + ")",
            in.location(),
            token);
      }
      target = (int) n;
    } else {
      target = byName.get(ref.toLowerCase(Locale.ROOT));
    }
    if (target != null) {
      graph.add(index, target, in.location(), token);
    }
  }
}
