/** Where a built image goes besides the store's names: one exporter per {@code --output} type. */
package dev.strata.solver.export;
