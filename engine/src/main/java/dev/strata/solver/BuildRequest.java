package dev.strata.solver;

import dev.strata.remotecache.CacheSpec;
import dev.strata.sandbox.NetworkMode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code strata build}, in four parts: what to build, what is made of it, how the cache is used
 * and what RUN steps are given.
 */
public record BuildRequest(Source source, Output output, CachePolicy cache, RunAccess run) {
  /** BuildKit refuses secrets over 500 KiB too. */
  public static final int MAX_SECRET = 500 * 1024;

  /** A line of the Dockerfile as errors name it: {@code Dockerfile:7}. */
  String where(int line) {
    return source.dockerfile().name() + ":" + line;
  }

  /**
   * What to build.
   *
   * @param context the build context directory
   * @param dockerfile the Dockerfile (may be outside the context)
   * @param target the stage to build, or null for the last
   * @param buildArgs {@code --build-arg} values
   */
  public record Source(
      Path context, Dockerfile dockerfile, String target, Map<String, String> buildArgs) {
    public Source {
      buildArgs = Map.copyOf(buildArgs);
    }
  }

  /**
   * The Dockerfile.
   *
   * @param path where it is read
   * @param name how errors name it ({@code Dockerfile}, {@code Dockerfile.multi})
   */
  public record Dockerfile(Path path, String name) {}

  /**
   * What the build makes.
   *
   * @param image the names and marks the result is given
   * @param exports where the result goes besides the tags ({@code --output})
   * @param created the creation time of history and config (SOURCE_DATE_EPOCH or now)
   * @param sourceDateEpoch when set, layer mtimes are clamped to it
   */
  public record Output(
      Image image, List<BuildOutput> exports, Instant created, Long sourceDateEpoch) {
    public Output {
      exports = List.copyOf(exports);
    }

    /** Named {@code tags}, without labels or annotations. */
    public Output(
        List<String> tags, List<BuildOutput> exports, Instant created, Long sourceDateEpoch) {
      this(new Image(tags, Map.of(), Map.of()), exports, created, sourceDateEpoch);
    }

    /** Names to give the result, canonical form. */
    public List<String> tags() {
      return image.tags();
    }
  }

  /**
   * The names and marks of the result.
   *
   * @param tags names to give the result, canonical form
   * @param labels {@code --label}s: set in the final image's config over its stage's own LABELs
   *     (buildx's), no step and no history entry
   * @param annotations {@code --annotation}s: the image manifest's {@code annotations}
   */
  public record Image(
      List<String> tags, Map<String, String> labels, Map<String, String> annotations) {
    public Image {
      tags = List.copyOf(tags);
      labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
      annotations = Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
    }
  }

  /**
   * How the cache is used.
   *
   * @param noCache run every step, recording the results
   * @param cacheFrom {@code --cache-from} bundles, looked up after the store's own records
   * @param cacheTo {@code --cache-to} bundles the build's records are exported to
   */
  public record CachePolicy(boolean noCache, List<CacheSpec> cacheFrom, List<CacheSpec> cacheTo) {
    public CachePolicy {
      cacheFrom = List.copyOf(cacheFrom);
      cacheTo = List.copyOf(cacheTo);
    }
  }

  /**
   * What RUN steps are given from the caller.
   *
   * @param network the default network of RUN steps and their extra /etc/hosts lines
   * @param secrets {@code --secret} values by id, for {@code RUN --mount=type=secret} (small: at
   *     most {@link #MAX_SECRET} bytes each, as BuildKit's limit)
   * @param sshAgents {@code --ssh} agent sockets by id, for {@code RUN --mount=type=ssh}
   * @param allowInsecure {@code --allow security.insecure}: {@code RUN --security=insecure} may run
   *     with every capability of the user namespace and no seccomp filter (BuildKit's entitlement)
   */
  public record RunAccess(
      Network network,
      Map<String, byte[]> secrets,
      Map<String, Path> sshAgents,
      boolean allowInsecure) {
    public RunAccess {
      secrets = Map.copyOf(secrets);
      sshAgents = Map.copyOf(sshAgents);
    }
  }

  /**
   * The network RUN steps are given.
   *
   * @param mode the default network of RUN steps
   * @param extraHosts {@code --add-host}s as /etc/hosts lines ({@code IP\tNAME}), in order; part of
   *     every RUN's key when there are some (none: the key is as before)
   */
  public record Network(NetworkMode mode, List<String> extraHosts) {
    public Network {
      extraHosts = List.copyOf(extraHosts);
    }
  }
}
