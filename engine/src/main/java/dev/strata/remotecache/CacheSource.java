package dev.strata.remotecache;

import dev.strata.oci.Descriptor;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/**
 * Where an imported cache comes from: a bundle directory ({@link LocalCacheDir}) or a registry
 * repository ({@link RegistryCache}). Both hold the same artifact ({@link
 * dev.strata.buildcache.CacheBundle}); {@link ImportedCache} reads its records first and a blob
 * only when the build needs its bytes.
 */
public interface CacheSource {
  /** The directory or reference, as messages name it. */
  String shown();

  /** The cache manifest and its records (refusals told to {@code refused}, one line each). */
  LocalCacheDir.Read read(Consumer<String> refused) throws IOException;

  /** A layer blob's bytes as stored there; the caller checks them. */
  InputStream open(Descriptor blob) throws IOException;

  /**
   * True when a blob is read from a local file: it is checked before a hit is taken. A registry's
   * blob is checked as it is fetched (reading it at lookup would download what a fully cached build
   * never needs).
   */
  boolean local();
}
