package dev.strata.registry;

import dev.strata.registry.auth.CredentialSource;
import dev.strata.registry.auth.CredentialStore;
import java.time.Duration;

/**
 * How the registry client behaves: where credentials and settings come from, whether the network
 * may be used at all, and the limits that keep a hostile registry from hurting.
 *
 * @param retries attempts after the first for a connection reset, 429 or 5xx
 * @param backoff the first wait between attempts; doubled each time
 * @param parallel blob transfers at once
 * @param maxManifestBytes manifests and indexes larger than this are refused (containers/image: 4
 *     MiB)
 * @param chunkBytes blobs larger than this are uploaded in PATCH chunks of this size
 * @param maxRedirects redirects followed for one request before giving up
 */
public record RegistryOptions(
    RegistriesConfig config,
    CredentialSource credentials,
    boolean offline,
    int retries,
    Duration backoff,
    int parallel,
    long maxManifestBytes,
    long chunkBytes,
    int maxRedirects,
    Progress progress) {

  public static final long MAX_MANIFEST = 4L << 20;

  /** The user's registries.json and auth files, 3 retries, 3 transfers at once. */
  public static RegistryOptions defaults() {
    return new RegistryOptions(
        RegistriesConfig.load(),
        CredentialStore.fromEnvironment(),
        false,
        3,
        Duration.ofMillis(500),
        3,
        MAX_MANIFEST,
        64L << 20,
        10,
        Progress.none());
  }

  public RegistryOptions withConfig(RegistriesConfig c) {
    return new RegistryOptions(
        c,
        credentials,
        offline,
        retries,
        backoff,
        parallel,
        maxManifestBytes,
        chunkBytes,
        maxRedirects,
        progress);
  }

  public RegistryOptions withCredentials(CredentialSource c) {
    return new RegistryOptions(
        config,
        c,
        offline,
        retries,
        backoff,
        parallel,
        maxManifestBytes,
        chunkBytes,
        maxRedirects,
        progress);
  }

  public RegistryOptions withOffline(boolean o) {
    return new RegistryOptions(
        config,
        credentials,
        o,
        retries,
        backoff,
        parallel,
        maxManifestBytes,
        chunkBytes,
        maxRedirects,
        progress);
  }

  public RegistryOptions withRetries(int r, Duration b) {
    return new RegistryOptions(
        config,
        credentials,
        offline,
        r,
        b,
        parallel,
        maxManifestBytes,
        chunkBytes,
        maxRedirects,
        progress);
  }

  public RegistryOptions withLimits(long manifestBytes, long chunk) {
    return new RegistryOptions(
        config,
        credentials,
        offline,
        retries,
        backoff,
        parallel,
        manifestBytes,
        chunk,
        maxRedirects,
        progress);
  }

  public RegistryOptions withProgress(Progress p) {
    return new RegistryOptions(
        config,
        credentials,
        offline,
        retries,
        backoff,
        parallel,
        maxManifestBytes,
        chunkBytes,
        maxRedirects,
        p);
  }
}
