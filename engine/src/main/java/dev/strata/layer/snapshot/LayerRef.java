package dev.strata.layer.snapshot;

import dev.strata.oci.Digest;
import java.io.IOException;
import java.io.InputStream;

/**
 * A layer a snapshot stands on: its diffID and a way to open its bytes (compressed or not) should
 * the snapshotter not have it unpacked yet. The snapshotter closes what {@code open} returns.
 */
public record LayerRef(Digest diffId, Source source) {
  /** Opens the layer blob. */
  @FunctionalInterface
  public interface Source {
    InputStream open() throws IOException;
  }
}
