package dev.strata.layer.snapshot;

import dev.strata.layer.LayerException;
import dev.strata.layer.Unpacker;
import dev.strata.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * A layer a snapshot stands on: its diffID and a way to read its bytes (compressed or not) should
 * the snapshotter not have it unpacked yet.
 *
 * @param ifCorrupt null, or what to tell the user when the bytes do not hash to the diffID (the
 *     copy they came from is damaged: which one, and how to mend it)
 */
public record LayerRef(Digest diffId, Source source, String ifCorrupt) {
  public LayerRef(Digest diffId, Source source) {
    this(diffId, source, null);
  }

  /** The layer blob. */
  @FunctionalInterface
  public interface Source {
    /** Opens the blob; the caller closes it. */
    InputStream open() throws IOException;

    /**
     * The blob as a file nothing writes any more (a store's), or null when it is only a stream: an
     * unpacker may then read it twice ({@link Unpacker#unpackFile}). Throws as {@link #open} does
     * when the blob is missing.
     */
    default Path file() throws IOException {
      return null;
    }
  }

  /**
   * Unpacks this layer with {@code unpacker} into {@code dir}: from its file when it has one, else
   * from its stream; a digest mismatch is {@linkplain #explain explained}.
   */
  Unpacker.Result unpack(Unpacker unpacker, Path dir) throws IOException {
    try {
      Path file = source.file();
      if (file != null) {
        return unpacker.unpackFile(file, dir);
      }
      try (InputStream in = source.open()) {
        return unpacker.unpack(in, dir);
      }
    } catch (LayerException e) {
      throw explain(e);
    }
  }

  /**
   * {@code e} from unpacking this layer, with {@link #ifCorrupt} added when it is a digest mismatch
   * (an exception that names no entry: the whole layer is at fault).
   */
  LayerException explain(LayerException e) {
    if (ifCorrupt == null || e.entry() != null) {
      return e;
    }
    return new LayerException(null, e.getMessage() + "; " + ifCorrupt, e);
  }
}
