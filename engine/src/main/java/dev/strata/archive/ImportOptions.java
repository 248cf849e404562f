package dev.strata.archive;

import java.time.Instant;
import java.util.List;

/**
 * How {@code strata import} makes a config for a rootfs.
 *
 * @param changes Dockerfile-style instructions applied to the config, as {@code podman import
 *     --change}: CMD, ENTRYPOINT, ENV, WORKDIR, USER, LABEL, EXPOSE
 * @param message the history comment, or null
 * @param created the creation time (SOURCE_DATE_EPOCH when set, else now)
 */
public record ImportOptions(List<String> changes, String message, Instant created) {}
