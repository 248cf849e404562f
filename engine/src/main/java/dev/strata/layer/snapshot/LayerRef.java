package dev.strata.layer.snapshot;

import dev.strata.layer.LayerException;
import dev.strata.oci.Digest;
import java.io.IOException;
import java.io.InputStream;

/**
 * A layer a snapshot stands on: its diffID and a way to open its bytes (compressed or not) should
 * the snapshotter not have it unpacked yet. The snapshotter closes what {@code open} returns.
 *
 * @param ifCorrupt null, or what to tell the user when the bytes do not hash to the diffID (the
 *     copy they came from is damaged: which one, and how to mend it)
 */
public record LayerRef(Digest diffId, Source source, String ifCorrupt) {
  public LayerRef(Digest diffId, Source source) {
    this(diffId, source, null);
  }

  /** Opens the layer blob. */
  @FunctionalInterface
  public interface Source {
    InputStream open() throws IOException;
  }

  /**
   * {@code e} from unpacking this layer, with {@link #ifCorrupt} added when it is a digest
   * mismatch (an exception that names no entry: the whole layer is at fault).
   */
  LayerException explain(LayerException e) {
    if (ifCorrupt == null || e.entry() != null) {
      return e;
    }
    return new LayerException(null, e.getMessage() + "; " + ifCorrupt, e);
  }
}
