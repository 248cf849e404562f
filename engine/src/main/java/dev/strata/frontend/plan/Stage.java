package dev.strata.frontend.plan;

import dev.strata.frontend.instructions.Location;
import java.util.List;

/**
 * One stage of the plan.
 *
 * @param index position among all stages of the Dockerfile (0-based, as {@code COPY --from=0})
 * @param name the lower-cased {@code AS} name, or null
 * @param base the FROM reference after expansion: an image, {@code scratch}, or a stage name
 * @param baseStage the index of the stage this one starts from, or null for an image
 * @param platform the expanded {@code --platform}, or null
 * @param dependsOn the stages this one needs (base, COPY --from, RUN --mount from), ascending
 * @param steps every instruction after FROM, expanded
 * @param from where the FROM line is
 */
public record Stage(
    int index,
    String name,
    String base,
    Integer baseStage,
    String platform,
    List<Integer> dependsOn,
    List<Step> steps,
    Location from) {
  public Stage {
    dependsOn = List.copyOf(dependsOn);
    steps = List.copyOf(steps);
  }

  /** The name, or the index when the stage has none (as users refer to it). */
  public String displayName() {
    return name != null ? name : String.valueOf(index);
  }
}
