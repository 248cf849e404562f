/**
 * The COPY and ADD operation: selecting sources, hashing them for the key, and copying, unpacking
 * or fetching them into a rootfs.
 */
package dev.strata.solver.copy;
