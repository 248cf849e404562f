/**
 * The OCI distribution client: pulls images into the store and pushes them from it over {@code
 * java.net.http}, with auth, mirrors, retries and a digest check on every byte.
 */
package dev.strata.registry;
