/**
 * Strata's user namespace as commands use it: whether this process is inside, re-running the JVM
 * inside, the isolation of RUN steps chosen there, and {@code strata unshare}.
 */
package dev.strata.rootless;
