/**
 * The sandbox runner: runs one command in a rootfs directory through {@code strata-nshelper run}
 * (DESIGN.md "Rootless model", step 3), for RUN steps and {@code strata run}.
 */
package dev.strata.sandbox;
