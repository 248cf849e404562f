package dev.strata.solver;

import java.util.Map;
import java.util.TreeMap;

/**
 * A step's cache-key inputs besides its text, or, in the cache-only attempt, that knowing them
 * needs Strata's namespace (a mount, a download): a value the step loop returns, not an exception.
 */
public final class StepInputs {
  private static final StepInputs NEEDS_NAMESPACE = new StepInputs(null);

  private final Map<String, String> values;

  private StepInputs(Map<String, String> values) {
    this.values = values;
  }

  /** Known inputs, in key order (their encoding is CacheKey's). */
  public static StepInputs of(Map<String, String> values) {
    return new StepInputs(new TreeMap<>(values));
  }

  /** The inputs cannot be known without Strata's namespace. */
  public static StepInputs needsNamespace() {
    return NEEDS_NAMESPACE;
  }

  public boolean needsNamespaceToKnow() {
    return values == null;
  }

  /** The inputs; only when known. */
  public Map<String, String> values() {
    if (values == null) {
      throw new IllegalStateException("inputs not known outside the namespace");
    }
    return values;
  }
}
