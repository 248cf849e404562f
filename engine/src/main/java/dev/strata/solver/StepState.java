package dev.strata.solver;

import dev.strata.frontend.plan.Stage;
import dev.strata.frontend.plan.Step;
import dev.strata.oci.ImageConfig;
import java.util.List;

/**
 * Where a step stands when its operation is asked for inputs or run: its stage, the step, the image
 * config and the layers the steps before it left.
 */
public record StepState(
    Stage stage, Step step, ImageConfig config, List<StageResult.Layer> layers) {
  public StepState {
    layers = List.copyOf(layers);
  }
}
