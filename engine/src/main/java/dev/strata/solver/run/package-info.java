/**
 * The RUN operation: its key inputs, its mounts (bind, cache, tmpfs, secret, ssh) and its run in
 * the sandbox.
 */
package dev.strata.solver.run;
