package dev.strata.solver;

import dev.strata.remotecache.CacheSpec;
import dev.strata.sandbox.NetworkMode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One {@code strata build}.
 *
 * @param context the build context directory
 * @param dockerfile the Dockerfile (may be outside the context)
 * @param dockerfileName how errors name it ({@code Dockerfile}, {@code Dockerfile.multi})
 * @param tags names to give the result, canonical form
 * @param target the stage to build, or null for the last
 * @param buildArgs {@code --build-arg} values
 * @param noCache run every step, recording the results
 * @param network the default network of RUN steps
 * @param created the creation time of history and config (SOURCE_DATE_EPOCH or now)
 * @param sourceDateEpoch when set, layer mtimes are clamped to it
 * @param outputs where the result goes besides the tags
 * @param secrets {@code --secret} values by id, for {@code RUN --mount=type=secret} (small: at most
 *     {@link #MAX_SECRET} bytes each, as BuildKit's limit)
 * @param sshAgents {@code --ssh} agent sockets by id, for {@code RUN --mount=type=ssh}
 * @param allowInsecure {@code --allow security.insecure}: {@code RUN --security=insecure} may run
 *     with every capability of the user namespace and no seccomp filter (BuildKit's entitlement)
 * @param cacheFrom {@code --cache-from} bundles, looked up after the store's own records
 * @param cacheTo {@code --cache-to} bundles the build's records are exported to
 */
public record BuildRequest(
    Path context,
    Path dockerfile,
    String dockerfileName,
    List<String> tags,
    String target,
    Map<String, String> buildArgs,
    boolean noCache,
    NetworkMode network,
    Instant created,
    Long sourceDateEpoch,
    List<BuildOutput> outputs,
    Map<String, byte[]> secrets,
    Map<String, Path> sshAgents,
    boolean allowInsecure,
    List<CacheSpec> cacheFrom,
    List<CacheSpec> cacheTo) {
  /** BuildKit refuses secrets over 500 KiB too. */
  public static final int MAX_SECRET = 500 * 1024;

  public BuildRequest {
    secrets = Map.copyOf(secrets);
    sshAgents = Map.copyOf(sshAgents);
    tags = List.copyOf(tags);
    buildArgs = Map.copyOf(buildArgs);
    outputs = List.copyOf(outputs);
    cacheFrom = List.copyOf(cacheFrom);
    cacheTo = List.copyOf(cacheTo);
  }

  /** A line of the Dockerfile as errors name it: {@code Dockerfile:7}. */
  String where(int line) {
    return dockerfileName + ":" + line;
  }
}
