/** Build cache values: cache keys (a documented encoding) and the records a key maps to. */
package dev.strata.buildcache;
