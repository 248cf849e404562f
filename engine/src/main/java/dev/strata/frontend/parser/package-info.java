/**
 * The untyped Dockerfile syntax tree (BuildKit's {@code parser}): directives, continuations,
 * comments, heredocs and flags are resolved; no instruction has a meaning yet.
 */
package dev.strata.frontend.parser;
