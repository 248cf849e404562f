/**
 * Word expansion and splitting as Docker's shell lexer does it ({@code $VAR}, {@code ${VAR...}},
 * quotes, escapes).
 */
package dev.strata.frontend.shell;
