/** The {@code strata} command line: one picocli class per subcommand, no build logic. */
package dev.strata.cli;
