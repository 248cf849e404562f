/**
 * The build cache outside the store: {@code --cache-to}/{@code --cache-from} and {@code strata
 * cache export/import}. A cache is {@link dev.strata.buildcache.CacheBundle}'s OCI artifact, in an
 * OCI layout directory ({@link LocalCacheDir}) or under a tag of a registry repository ({@link
 * RegistryCache}); a build reads its records first and copies or downloads a layer blob into the
 * store only when it needs the bytes ({@link ImportedCache}, through {@link CacheSource}), as
 * BuildKit's remote cache importers do.
 */
package dev.strata.remotecache;
