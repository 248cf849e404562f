package dev.strata.store;

/**
 * The store's directories of work in progress. Each process works in {@code <area>/<session>} of
 * each ({@link Session}); what a dead process left there is swept at the next open and by prune
 * ({@link Leftovers}).
 */
public enum WorkArea {
  /** {@code tmp/}: blob ingest, atomic writes, build contexts, bind-rw copies, secrets. */
  TMP("tmp"),
  /** {@code layers/tmp/}: layers being unpacked, trees being discarded. */
  LAYERS_TMP("layers/tmp"),
  /** {@code layers/work/}: the snapshots of running steps (overlay upper and work dirs). */
  LAYERS_WORK("layers/work");

  private final String path;

  WorkArea(String path) {
    this.path = path;
  }

  /** The area's path relative to the store root. */
  public String path() {
    return path;
  }
}
