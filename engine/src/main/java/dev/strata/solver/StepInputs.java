package dev.strata.solver;

import dev.strata.buildcache.KeyInputs;

/**
 * A step's cache-key inputs besides its text ({@link KeyInputs}, typed, with one encoding), or, in
 * the cache-only attempt, that knowing them needs Strata's namespace (a mount, a download): a value
 * the step loop returns, not an exception.
 */
public final class StepInputs {
  private static final StepInputs NEEDS_NAMESPACE = new StepInputs(null);

  private final KeyInputs values;

  private StepInputs(KeyInputs values) {
    this.values = values;
  }

  /** Known inputs. */
  public static StepInputs of(KeyInputs values) {
    return new StepInputs(values);
  }

  /** The inputs cannot be known without Strata's namespace. */
  public static StepInputs needsNamespace() {
    return NEEDS_NAMESPACE;
  }

  public boolean needsNamespaceToKnow() {
    return values == null;
  }

  /** The inputs; only when known. */
  public KeyInputs values() {
    if (values == null) {
      throw new IllegalStateException("inputs not known outside the namespace");
    }
    return values;
  }
}
