package dev.strata.cli;

import dev.strata.codec.Compression;
import dev.strata.oci.Platform;
import dev.strata.remotecache.CacheSpec;
import dev.strata.sandbox.NetworkMode;
import dev.strata.solver.BuildException;
import dev.strata.solver.BuildOutput;
import dev.strata.solver.BuildRequest;
import dev.strata.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine.ParameterException;

/** {@code strata build}'s arguments, checked and turned into a {@link BuildRequest}. */
final class BuildArgs {
  private final BuildCommand c;

  BuildArgs(BuildCommand c) {
    this.c = c;
  }

  /** What can be refused before any work: the platform, words, the context, tags and outputs. */
  void check() {
    if (c.platform != null && !Platform.parse(c.platform).equals(Platform.host())) {
      throw new BuildException(
          "--platform "
              + c.platform
              + ": this machine builds for "
              + Platform.host()
              + " only (RUN steps of another architecture need emulation, which Strata does not do)");
    }
    compression();
    if (!Files.isDirectory(c.context)) {
      throw new BuildException("build context " + c.context + " is not a directory");
    }
    for (String a : c.allow) {
      if (!a.equals(BuildCommand.SECURITY_INSECURE) && !a.equals("network.host")) {
        throw new ParameterException(
            c.spec.commandLine(),
            "invalid --allow \"" + a + "\": security.insecure or network.host");
      }
    }
    outputsOf(Compression.GZIP);
    c.tags.forEach(Store::canonicalName);
    c.buildx.labels();
    c.buildx.annotations();
    c.buildx.addHosts();
    BuildCommand.checkIsolation(c.spec, c.isolation);
  }

  private Compression compression() {
    return switch (c.compression.toLowerCase(Locale.ROOT)) {
      case "gzip" -> Compression.GZIP;
      case "zstd" -> Compression.ZSTD;
      default ->
          throw new ParameterException(
              c.spec.commandLine(),
              "invalid --compression \"" + c.compression + "\": gzip or zstd");
    };
  }

  /** {@code --build-arg}s; NAME alone takes its value from the environment, if set. */
  private Map<String, String> buildArgs() {
    Map<String, String> args = new LinkedHashMap<>();
    for (String a : c.buildArgs) {
      int eq = a.indexOf('=');
      if (eq < 0) {
        String v = System.getenv(a);
        if (v != null) {
          args.put(a, v);
        }
      } else {
        args.put(a.substring(0, eq), a.substring(eq + 1));
      }
    }
    return args;
  }

  private List<BuildOutput> outputsOf(Compression compression) {
    List<BuildOutput> outs = new ArrayList<>();
    c.outputs.forEach(o -> outs.add(BuildOutput.parse(o).withCompression(compression)));
    c.buildx.pushes(c.tags).forEach(o -> outs.add(o.withCompression(compression)));
    return outs;
  }

  /** The request these arguments make (the Dockerfile as {@code --file} names it now). */
  BuildRequest request() {
    Map<String, String> args = buildArgs();
    List<BuildOutput> outs = outputsOf(compression());
    Path ctx = c.context.toAbsolutePath().normalize();
    Path dockerfile = c.file == null ? ctx.resolve("Dockerfile") : Path.of(c.file).toAbsolutePath();
    String shownName = c.file == null ? "Dockerfile" : Path.of(c.file).getFileName().toString();
    String epoch = System.getenv("SOURCE_DATE_EPOCH");
    Long sde = epoch == null || epoch.isBlank() ? null : Long.parseLong(epoch.strip());
    NetworkMode net =
        switch (c.network) {
          case "host", "default" -> NetworkMode.HOST;
          case "none" -> NetworkMode.NONE;
          default -> throw new BuildException("--network " + c.network + ": want host or none");
        };
    return new BuildRequest(
        new BuildRequest.Source(
            ctx, new BuildRequest.Dockerfile(dockerfile, shownName), c.target, args),
        new BuildRequest.Output(
            new BuildRequest.Image(c.tags, c.buildx.labels(), c.buildx.annotations()),
            outs,
            Times.created(),
            sde),
        new BuildRequest.CachePolicy(
            c.noCache,
            cacheSpecs(c.cacheFrom, CacheSpec::from),
            cacheSpecs(c.cacheTo, CacheSpec::to)),
        new BuildRequest.RunAccess(
            new BuildRequest.Network(net, c.buildx.addHosts()),
            BuildSecrets.parse(c.secrets),
            BuildSsh.parse(c.ssh),
            c.allow.contains(BuildCommand.SECURITY_INSECURE)));
  }

  private List<CacheSpec> cacheSpecs(List<String> values, Function<String, CacheSpec> parse) {
    List<CacheSpec> out = new ArrayList<>();
    for (String v : values) {
      try {
        out.add(parse.apply(v));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(c.spec.commandLine(), e.getMessage());
      }
    }
    return out;
  }
}
