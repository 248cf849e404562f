package dev.strata.frontend.plan;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What to build: the stages the target needs (in Dockerfile order), the target, and the order in
 * which to build them, as waves of stage indexes whose members may run in parallel.
 *
 * @param stages the needed stages, ascending by index
 * @param target index of the target stage
 * @param buildOrder waves; every stage's dependencies are in earlier waves
 * @param globalArgs the ARGs declared before the first FROM that have a value
 * @param proxyArgs predefined proxy args given as build args (HTTP_PROXY...), passed to every RUN
 * @param warnings things Docker warns about (unused build args, empty continuation lines)
 */
public record BuildPlan(
    List<Stage> stages,
    int target,
    List<List<Integer>> buildOrder,
    Map<String, String> globalArgs,
    Map<String, String> proxyArgs,
    List<String> warnings) {
  public BuildPlan {
    stages = List.copyOf(stages);
    buildOrder = buildOrder.stream().map(List::copyOf).toList();
    globalArgs = Collections.unmodifiableMap(new LinkedHashMap<>(globalArgs));
    proxyArgs = Collections.unmodifiableMap(new LinkedHashMap<>(proxyArgs));
    warnings = List.copyOf(warnings);
  }

  /** The stage with this index; it must be part of the plan. */
  public Stage stage(int index) {
    for (Stage s : stages) {
      if (s.index() == index) {
        return s;
      }
    }
    throw new IllegalArgumentException("stage " + index + " is not part of the plan");
  }

  public Stage targetStage() {
    return stage(target);
  }
}
