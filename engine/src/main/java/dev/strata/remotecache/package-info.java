/**
 * The build cache outside the store: {@code --cache-to}/{@code --cache-from} and {@code strata
 * cache export/import}. A cache travels as {@link dev.strata.buildcache.CacheBundle}'s OCI
 * artifact in an OCI layout directory ({@link LocalCacheDir}); a build reads its records first and
 * copies a layer blob into the store only when it needs the bytes ({@link ImportedCache}), as
 * BuildKit's remote cache importers do.
 */
package dev.strata.remotecache;
