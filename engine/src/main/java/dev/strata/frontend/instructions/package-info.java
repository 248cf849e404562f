/**
 * Typed Dockerfile instructions (BuildKit's {@code instructions}): one record per keyword under
 * {@link dev.strata.frontend.instructions.Instruction}.
 */
package dev.strata.frontend.instructions;
