package dev.strata.bench.result;

/**
 * A builder of the run.
 *
 * @param version what the builder says of itself, or null when it is missing
 * @param missing why it cannot run here, or null when it can
 * @param hitMethod how its cache hits were counted (stated in the report)
 */
public record BuilderInfo(String name, String version, String missing, String hitMethod) {}
