package dev.strata.layer;

/**
 * One difference between a lower tree and a new one, as a snapshotter reports it.
 *
 * @param path relative, '/'-separated, no leading '/' (e.g. {@code etc/passwd})
 */
public record Change(String path, Kind kind) implements Comparable<Change> {
  /** What a change becomes in the layer. */
  public enum Kind {
    /** Added or modified: the entry is written from the new tree. */
    CHANGED,
    /** Gone: a {@code .wh.NAME} whiteout. */
    DELETED,
    /**
     * A directory that replaced what was there (recreated, or over a file): the entry plus a {@code
     * .wh..wh..opq} opaque whiteout; its children are reported as CHANGED.
     */
    OPAQUE
  }

  @Override
  public int compareTo(Change o) {
    return path.compareTo(o.path);
  }
}
