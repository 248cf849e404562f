package dev.strata.solver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.frontend.DockerfileException;
import dev.strata.frontend.DockerfileFrontend;
import dev.strata.frontend.ignore.DockerIgnore;
import dev.strata.frontend.ignore.IgnorePatternException;
import dev.strata.frontend.plan.BuildOptions;
import dev.strata.frontend.plan.BuildPlan;
import dev.strata.frontend.plan.Stage;
import dev.strata.oci.Descriptor;
import dev.strata.oci.ImageConfig;
import dev.strata.oci.Json;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import dev.strata.registry.RegistryOptions;
import dev.strata.remotecache.ImportedCache;
import dev.strata.solver.config.ConfigOp;
import dev.strata.solver.copy.ContextFiles;
import dev.strata.solver.export.Exports;
import dev.strata.store.Store;
import dev.strata.store.StoredImage;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The solver's facade (DESIGN.md "The path of a build"): takes a {@link BuildRequest}, plans the
 * Dockerfile, builds the stages the target needs in dependency order ({@link StageScheduler}), each
 * step through the {@link StepLoop}, assembles the target's image, names it and exports it. The
 * full build runs inside Strata's user namespace (it unpacks, mounts and runs commands); {@link
 * #solveFromCache} is the attempt outside it, which only computes keys. Immutable: one may serve
 * both attempts.
 */
public final class Solver {
  private final BuildTools tools;
  private final Function<String, StoredImage> baseResolver;

  /** How --cache-from/--cache-to type=registry and --output type=registry reach a registry. */
  private final RegistryOptions registry;

  /**
   * @param baseResolver finds or fetches a base image by reference (the registry's ImageResolver
   *     with --pull's policy); it throws, naming the image, when it cannot
   * @param registry the registry client's options (mirrors, credentials, --offline): those the base
   *     images are pulled with; null: offline
   */
  public Solver(
      BuildTools tools, Function<String, StoredImage> baseResolver, RegistryOptions registry) {
    this.tools = tools;
    this.baseResolver = baseResolver;
    this.registry = registry;
  }

  /** A solver that takes base images from the store only, offline. */
  public Solver(BuildTools tools) {
    this(tools, ref -> tools.store().find(ref).orElse(null), null);
  }

  /**
   * The build when every step is a cache hit, computed without Strata's namespace (no unpack, no
   * mount, no second JVM); empty when the build needs the namespace: some step must run or an input
   * needs a mount. Its progress is shown only when it succeeds.
   */
  public Optional<BuildResult> solveFromCache(BuildRequest req)
      throws IOException, InterruptedException {
    if (req.cache().noCache()
        || req.output().exports().stream().anyMatch(o -> o.type().equals("local"))) {
      return Optional.empty();
    }
    BufferedProgress buffered = new BufferedProgress();
    Optional<Built> built;
    try (AutoCloseable index = tools.store().holdIndex()) {
      built = solve(req, tools.withProgress(buffered), true);
    } catch (IOException | InterruptedException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
    if (built.isEmpty()) {
      return Optional.empty();
    }
    buffered.replay(tools.progress());
    tools.progress().info("every step cached: no namespace entered");
    return Optional.of(
        built
            .get()
            .result()
            .withPushed(
                new Exports(tools, registry).push(req.output().exports(), built.get().image())));
  }

  /** The build, every step that misses run. */
  public BuildResult solve(BuildRequest req) throws IOException, InterruptedException {
    Built built = solve(req, tools, false).orElseThrow(); // only the cache-only attempt is empty
    return built
        .result()
        .withPushed(new Exports(tools, registry).push(req.output().exports(), built.image()));
  }

  /** The image made and what the build says of it. */
  private record Built(StoredImage image, BuildResult result) {}

  private Optional<Built> solve(BuildRequest req, BuildTools tools, boolean keysOnly)
      throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    BuildPlan plan = plan(req);
    Map<String, RuntimeException> unresolved = new HashMap<>();
    if (resolveBases(plan, unresolved)) {
      plan = plan(req); // a base came from a registry: expand with its ENV this time
    }
    DockerIgnore ignore;
    try {
      ignore = ContextFiles.ignore(req.source().context(), req.source().dockerfile().path());
    } catch (IOException e) {
      throw new BuildException(
          ".dockerignore: " + IoErrorText.reason(e), e); // "Input length = 2" before
    } catch (IgnorePatternException | RuntimeException e) {
      throw new BuildException(".dockerignore: " + e.getMessage(), e);
    }
    CacheExchange caches = new CacheExchange(tools, registry);
    ImportedCache imported = caches.importCache(req);
    while (true) {
      BuildInputs inputs = new BuildInputs(req, plan, ignore, imported);
      try {
        return attempt(new StepContext(tools, inputs, keysOnly, unresolved), caches, t0);
      } catch (ImportedCache.Refused e) {
        // A --cache-from blob was not what its record says when fetched (warned, naming it):
        // the records naming it are gone, so this time their steps build. Each pass drops at
        // least one blob, so this ends. The cache-only attempt leaves it to the namespace.
        if (keysOnly) {
          return Optional.empty();
        }
      }
    }
  }

  private Optional<Built> attempt(StepContext ctx, CacheExchange caches, long t0)
      throws IOException, InterruptedException {
    BuildRequest req = ctx.req();
    BuildPlan plan = ctx.plan();
    Store store = tools.store();
    BuildRun run = new BuildRun(req, plan);
    StepLoop loop = new StepLoop(ctx, run);
    try (AutoCloseable w = store.beginWrite()) {
      Map<Integer, List<Integer>> needs = new HashMap<>();
      plan.stages().forEach(s -> needs.put(s.index(), s.dependsOn()));
      // The cache-only attempt stops at the first step that must run: no threads for it.
      int parallelism = ctx.keysOnly() ? 1 : Runtime.getRuntime().availableProcessors();
      boolean[] needsNamespace = {false};
      try {
        StageScheduler.run(
            run.order(),
            needs,
            parallelism,
            idx -> {
              if (!needsNamespace[0]) { // one thread in the cache-only attempt
                Optional<StageResult> r = loop.buildStage(plan.stage(idx));
                r.ifPresent(ctx::putResult);
                needsNamespace[0] = r.isEmpty();
              }
            });
      } finally {
        loop.release();
        ctx.sources().release();
      }
      if (needsNamespace[0]) {
        return Optional.empty();
      }
      StageResult target = ctx.result(plan.target());
      ctx.fetch(target.layers()); // the final image's blobs, and only those, from --cache-from
      Descriptor manifest = assemble(target, req);
      for (String tag : req.output().tags()) {
        store.tag(manifest, tag);
      }
      if (req.output().tags().isEmpty()) {
        store.keep(manifest);
      }
      StoredImage img =
          store.load(
              req.output().tags().isEmpty()
                  ? null
                  : Store.canonicalName(req.output().tags().get(0)),
              manifest);
      new Exports(tools, registry).writeFiles(req.output().exports(), img);
      caches.recordImageCache(img, run);
      caches.exportCache(run, plan, ctx);
      double seconds = (System.nanoTime() - t0) / 1e9;
      return Optional.of(new Built(img, run.result(store, img, seconds)));
    } catch (IOException | InterruptedException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  /**
   * Makes every base image of the plan present; true when one was fetched. Why one could not be had
   * goes into {@code unresolved}: its FROM step reports it, with its line, as steps do.
   */
  private boolean resolveBases(BuildPlan plan, Map<String, RuntimeException> unresolved) {
    boolean fetched = false;
    Store store = tools.store();
    for (Stage stage : plan.stages()) {
      if (stage.baseStage() != null || "scratch".equals(stage.base())) {
        continue;
      }
      boolean had = store.find(stage.base()).isPresent();
      StoredImage img;
      try {
        img = baseResolver.apply(stage.base());
      } catch (RuntimeException e) {
        unresolved.put(stage.base(), e);
        continue;
      }
      if (img == null) {
        continue; // the FROM step says what is missing, with the Dockerfile line
      }
      fetched |= !had;
    }
    return fetched;
  }

  private BuildPlan plan(BuildRequest req) {
    BuildOptions opts = BuildOptions.defaults().withBuildArgs(req.source().buildArgs());
    if (req.source().target() != null) {
      opts = opts.withTarget(req.source().target());
    }
    // ${VAR} in a stage may use the base image's ENV: look the base up in the store.
    opts =
        opts.withBaseImageEnv(
            ref -> {
              Map<String, String> env = new LinkedHashMap<>();
              tools
                  .store()
                  .find(ref)
                  .ifPresent(
                      i ->
                          i.config()
                              .env()
                              .forEach(
                                  e -> {
                                    int eq = e.indexOf('=');
                                    if (eq > 0) {
                                      env.put(e.substring(0, eq), e.substring(eq + 1));
                                    }
                                  }));
              return env;
            });
    try {
      return DockerfileFrontend.plan(
          req.source().dockerfile().name(),
          ContextFiles.dockerfile(req.source().context(), req.source().dockerfile().path()),
          opts);
    } catch (DockerfileException e) {
      throw new BuildException(e.getMessage(), e);
    } catch (IOException e) {
      throw new BuildException(
          "cannot read " + req.source().dockerfile().path() + ": " + IoErrorText.reason(e), e);
    }
  }

  private Descriptor assemble(StageResult target, BuildRequest req) throws IOException {
    Store store = tools.store();
    ImageConfig config =
        target
            .config()
            .withField(
                "created", ImageConfig.timestamp(ConfigOp.historyTime(target.config(), req)));
    if (!req.output().image().labels().isEmpty()) { // --label: over the stage's LABELs, keys sorted
      Map<String, String> labels = new TreeMap<>(config.labels());
      labels.putAll(req.output().image().labels());
      ObjectNode l = Json.object();
      labels.forEach(l::put);
      config = config.withConfigField("Labels", l);
    }
    byte[] cb = config.bytes();
    Descriptor cd = new Descriptor(MediaType.OCI_CONFIG, store.blobs().writeBytes(cb), cb.length);
    List<Descriptor> layers = target.layers().stream().map(StageResult.Layer::blob).toList();
    Manifest m = Manifest.oci(cd, layers, req.output().image().annotations());
    byte[] mb = m.bytes();
    return new Descriptor(MediaType.OCI_MANIFEST, store.blobs().writeBytes(mb), mb.length);
  }
}
