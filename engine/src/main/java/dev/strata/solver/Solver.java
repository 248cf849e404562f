package dev.strata.solver;

import dev.strata.buildcache.CacheKey;
import dev.strata.buildcache.CacheRecord;
import dev.strata.frontend.DockerfileException;
import dev.strata.frontend.DockerfileFrontend;
import dev.strata.frontend.ignore.DockerIgnore;
import dev.strata.frontend.plan.BuildOptions;
import dev.strata.frontend.plan.BuildPlan;
import dev.strata.frontend.plan.Stage;
import dev.strata.layer.snapshot.Snapshot;
import dev.strata.layer.snapshot.Snapshotter;
import dev.strata.oci.Descriptor;
import dev.strata.oci.ImageConfig;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import dev.strata.registry.RegistryException;
import dev.strata.registry.RegistryOptions;
import dev.strata.remotecache.CacheSource;
import dev.strata.remotecache.CacheSpec;
import dev.strata.remotecache.ImportedCache;
import dev.strata.remotecache.LocalCacheDir;
import dev.strata.remotecache.RegistryCache;
import dev.strata.sandbox.SandboxRunner;
import dev.strata.solver.copy.ContextFiles;
import dev.strata.store.Store;
import dev.strata.store.StoredImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Runs a build (DESIGN.md "The path of a build"): plans the Dockerfile, builds the stages the
 * target needs in dependency order over the layer cache, assembles the target's image and names it.
 * Runs inside Strata's user namespace (it unpacks, mounts and runs commands).
 *
 * <p>Per step: {@code key = parent key + canonical instruction + inputs}; a hit reuses the recorded
 * layer without running or unpacking anything; a miss prepares a snapshot over the stage's layers,
 * runs the step (RUN in the sandbox, COPY in Java), writes the diff as a zstd layer into the store
 * and records {@code key -> layer}.
 */
public final class Solver {
  private final Store store;
  private final Snapshotter snapshotter;
  private final SandboxRunner sandbox;
  private BuildProgress progress;
  private final Function<String, StoredImage> baseResolver;

  /** Compute keys only: any step that must run, or any input that needs a mount, stops it. */
  private boolean keysOnly;

  /** How --cache-from/--cache-to type=registry reach a registry; offline until a caller says. */
  private RegistryOptions registry = null;

  /**
   * @param baseResolver finds or fetches a base image by reference (the registry's ImageResolver
   *     with --pull's policy); it throws, naming the image, when it cannot
   */
  public Solver(
      Store store,
      Snapshotter snapshotter,
      SandboxRunner sandbox,
      BuildProgress progress,
      Function<String, StoredImage> baseResolver) {
    this.store = store;
    this.snapshotter = snapshotter;
    this.sandbox = sandbox;
    this.progress = progress;
    this.baseResolver = baseResolver;
  }

  /**
   * The registry client's options for --cache-from/--cache-to type=registry (mirrors, credentials,
   * --offline): those the base images are pulled with.
   */
  public Solver withRegistry(RegistryOptions opts) {
    this.registry = opts;
    return this;
  }

  /** A builder that takes base images from the store only. */
  public Solver(
      Store store, Snapshotter snapshotter, SandboxRunner sandbox, BuildProgress progress) {
    this(store, snapshotter, sandbox, progress, ref -> store.find(ref).orElse(null));
  }

  /**
   * The build when every step is a cache hit, computed without Strata's namespace (no unpack, no
   * mount, no second JVM); empty when some step must run or an input needs a mount. Its output is
   * shown only when it succeeds.
   */
  public java.util.Optional<BuildResult> buildFromCache(BuildRequest req)
      throws IOException, InterruptedException {
    if (req.noCache() || req.outputs().stream().anyMatch(o -> o.type().equals("local"))) {
      return java.util.Optional.empty();
    }
    BuildProgress real = progress;
    BufferedProgress buffered = new BufferedProgress();
    progress = buffered;
    keysOnly = true;
    try (AutoCloseable index = store.holdIndex()) {
      BuildResult r = build(req);
      buffered.replay(real);
      return java.util.Optional.of(r);
    } catch (BuildRun.NeedsNamespace e) {
      return java.util.Optional.empty();
    } catch (IOException | InterruptedException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    } finally {
      progress = real;
      keysOnly = false;
    }
  }

  public BuildResult build(BuildRequest req) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    BuildPlan plan = plan(req);
    if (resolveBases(plan, req)) {
      plan = plan(req); // a base came from a registry: expand with its ENV this time
    }
    DockerIgnore ignore;
    try {
      ignore = ContextFiles.ignore(req.context(), req.dockerfile());
    } catch (IOException e) {
      throw new BuildException(
          ".dockerignore: " + IoErrorText.reason(e), e); // "Input length = 2" before
    } catch (dev.strata.frontend.ignore.IgnorePatternException | RuntimeException e) {
      throw new BuildException(".dockerignore: " + e.getMessage(), e);
    }
    ImportedCache imported = importCache(req);
    while (true) {
      try {
        return attempt(req, plan, ignore, imported, t0);
      } catch (ImportedCache.Refused e) {
        // A --cache-from blob was not what its record says when fetched (warned, naming it):
        // the records naming it are gone, so this time their steps build. Each pass drops at
        // least one blob, so this ends. The cache-only attempt leaves it to the namespace.
        if (keysOnly) {
          throw new BuildRun.NeedsNamespace();
        }
      }
    }
  }

  private BuildResult attempt(
      BuildRequest req, BuildPlan plan, DockerIgnore ignore, ImportedCache imported, long t0)
      throws IOException, InterruptedException {
    BuildRun run =
        new BuildRun(store, snapshotter, sandbox, progress, keysOnly, req, plan, ignore, imported);
    try (AutoCloseable w = store.beginWrite()) {
      Map<Integer, List<Integer>> needs = new HashMap<>();
      plan.stages().forEach(s -> needs.put(s.index(), s.dependsOn()));
      // The cache-only attempt stops at the first step that must run: no threads for it.
      int parallelism = keysOnly ? 1 : Runtime.getRuntime().availableProcessors();
      try {
        StageScheduler.run(
            run.order,
            needs,
            parallelism,
            idx -> run.results.put(idx, run.buildStage(plan.stage(idx))));
      } finally {
        run.release();
      }
      StageResult target = run.results.get(plan.target());
      run.fetch(target.layers()); // the final image's blobs, and only those, from --cache-from
      Descriptor manifest = assemble(target, req);
      for (String tag : req.tags()) {
        store.tag(manifest, tag);
      }
      if (req.tags().isEmpty()) {
        store.keep(manifest);
      }
      StoredImage img =
          store.load(
              req.tags().isEmpty() ? null : Store.canonicalName(req.tags().get(0)), manifest);
      writeOutputs(req, img, target);
      recordImageCache(img, run);
      exportCache(req, run, plan);
      double seconds = (System.nanoTime() - t0) / 1e9;
      return run.result(img, seconds);
    } catch (IOException | InterruptedException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  /**
   * Remembers which records the build that made {@code img} produced or used (every stage's: {@code
   * strata cache export DIR IMAGE} exports them as mode=max would).
   */
  private void recordImageCache(StoredImage img, BuildRun run) {
    Set<CacheKey> keys = new HashSet<>();
    run.recorded.values().forEach(m -> keys.addAll(m.keySet()));
    store.withIndex(
        idx -> {
          idx.addImageRecords(img.digest(), keys);
          return null;
        });
  }

  /** The records of the --cache-from caches; one that cannot be read is a warning naming it. */
  private ImportedCache importCache(BuildRequest req) {
    if (req.cacheFrom().isEmpty() || req.noCache()) {
      return ImportedCache.none();
    }
    List<CacheSource> sources = new ArrayList<>();
    for (CacheSpec from : req.cacheFrom()) {
      if (!from.registry()) {
        sources.add(LocalCacheDir.source(from.dir()));
      } else if (registry == null || registry.offline()) {
        // BuildKit has no offline switch; a cache import that cannot happen is a warning as a
        // failed one is
        progress.warning(
            null,
            "--cache-from "
                + from.shown()
                + ": not used: Strata is offline (--offline); nothing was fetched");
      } else {
        sources.add(new RegistryCache(from.ref(), registry));
      }
    }
    try {
      return ImportedCache.openSources(sources, m -> progress.warning(null, m), true);
    } catch (IOException e) {
      throw new BuildException("--cache-from: " + IoErrorText.reason(e), e);
    }
  }

  /**
   * Writes the build's records to each --cache-to bundle or registry: mode=min those of the final
   * image's steps (the target stage and the stages it is FROM), mode=max those of every stage
   * built, as buildx's modes are. A failure is the build's error naming the destination (the image
   * is stored already), as buildx fails a build whose cache export fails.
   */
  private void exportCache(BuildRequest req, BuildRun run, BuildPlan plan) throws IOException {
    for (CacheSpec to : req.cacheTo()) {
      Map<CacheKey, CacheRecord> records =
          new TreeMap<>((a, b) -> a.digest().compareTo(b.digest()));
      if (to.max()) {
        run.recorded.values().forEach(records::putAll);
      } else {
        for (Integer idx = plan.target(); idx != null; idx = plan.stage(idx).baseStage()) {
          records.putAll(run.recorded.getOrDefault(idx, Map.of()));
        }
      }
      String sent = "";
      try {
        run.fetchRecords(records);
        if (to.registry()) {
          if (registry == null) {
            throw new BuildException(
                "--cache-to " + to.shown() + ": this build has no registry client");
          }
          RegistryCache.Pushed p =
              new RegistryCache(to.ref(), registry).push(store, records, run.facts);
          sent =
              " ("
                  + p.layers()
                  + " layers: "
                  + p.uploaded()
                  + " uploaded, "
                  + p.mounted()
                  + " mounted, "
                  + (p.layers() - p.uploaded() - p.mounted())
                  + " there already)";
        } else {
          LocalCacheDir.write(to.dir(), records, run.facts, store.blobs(), List.of());
        }
      } catch (IOException e) {
        throw new BuildException("--cache-to " + to.shown() + ": " + IoErrorText.reason(e), e);
      } catch (RegistryException e) {
        throw new BuildException("--cache-to " + to.shown() + ": " + e.getMessage(), e);
      }
      progress.info("cache: " + records.size() + " records exported to " + to.shown() + sent);
    }
  }

  /** Makes every base image of the plan present; true when one was fetched. */
  private boolean resolveBases(BuildPlan plan, BuildRequest req) {
    boolean fetched = false;
    for (Stage stage : plan.stages()) {
      if (stage.baseStage() != null || "scratch".equals(stage.base())) {
        continue;
      }
      boolean had = store.find(stage.base()).isPresent();
      StoredImage img;
      try {
        img = baseResolver.apply(stage.base());
      } catch (RuntimeException e) {
        throw new BuildException(
            req.where(stage.from().startLine())
                + ": base image "
                + stage.base()
                + ": "
                + e.getMessage(),
            e);
      }
      if (img == null) {
        continue; // base() says what is missing, with the Dockerfile line
      }
      fetched |= !had;
    }
    return fetched;
  }

  private BuildPlan plan(BuildRequest req) {
    BuildOptions opts = BuildOptions.defaults().withBuildArgs(req.buildArgs());
    if (req.target() != null) {
      opts = opts.withTarget(req.target());
    }
    // ${VAR} in a stage may use the base image's ENV: look the base up in the store.
    opts =
        opts.withBaseImageEnv(
            ref -> {
              Map<String, String> env = new LinkedHashMap<>();
              store
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
          req.dockerfileName(), ContextFiles.dockerfile(req.context(), req.dockerfile()), opts);
    } catch (DockerfileException e) {
      throw new BuildException(e.getMessage(), e);
    } catch (IOException e) {
      throw new BuildException("cannot read " + req.dockerfile() + ": " + IoErrorText.reason(e), e);
    }
  }

  private Descriptor assemble(StageResult target, BuildRequest req) throws IOException {
    ImageConfig config =
        target
            .config()
            .withField(
                "created", ImageConfig.timestamp(BuildRun.historyTime(target.config(), req)));
    byte[] cb = config.bytes();
    Descriptor cd = new Descriptor(MediaType.OCI_CONFIG, store.blobs().writeBytes(cb), cb.length);
    List<Descriptor> layers = target.layers().stream().map(StageResult.Layer::blob).toList();
    Manifest m = Manifest.oci(cd, layers);
    byte[] mb = m.bytes();
    return new Descriptor(MediaType.OCI_MANIFEST, store.blobs().writeBytes(mb), mb.length);
  }

  private void writeOutputs(BuildRequest req, StoredImage img, StageResult target)
      throws IOException {
    for (BuildOutput o : req.outputs()) {
      try {
        writeOutput(o, img, target);
      } catch (IOException e) {
        throw new BuildException(
            "--output type="
                + o.type()
                + ": cannot write "
                + o.dest()
                + ": "
                + IoErrorText.reason(e),
            e);
      }
    }
  }

  private void writeOutput(BuildOutput o, StoredImage img, StageResult target) throws IOException {
    switch (o.type()) {
      case "docker-archive" ->
          new dev.strata.archive.ArchiveSaver(store)
              .save(img, o.dest(), dev.strata.archive.ArchiveFormat.DOCKER);
      case "oci-archive" ->
          new dev.strata.archive.ArchiveSaver(store)
              .save(img, o.dest(), dev.strata.archive.ArchiveFormat.OCI);
      case "registry" -> {} // pushed by the caller, which has the registry options
      case "oci" ->
          new dev.strata.transport.OciLayoutDir(store)
              .write(img, new dev.strata.transport.ImageLocation.OciLayout(o.dest(), img.name()));
      case "local" -> {
        try (Snapshot s =
            snapshotter.prepare(BuildRun.refs(store, target.layers()))) { // fetched above
          Files.createDirectories(o.dest());
          dev.strata.layer.Trees.copy(
              s.rootfs(), o.dest().resolve(".strata-new"), m -> progress.warning(null, m));
        }
        ownByCaller(o.dest().resolve(".strata-new"));
        moveContents(o.dest().resolve(".strata-new"), o.dest());
      }
      default -> throw new BuildException("--output type=" + o.type() + " is not supported");
    }
  }

  /**
   * Files of a local output belong to the user who built (uid 0 in the namespace), as rootless
   * podman and BuildKit write them: the image's owners would be subordinate ids outside.
   */
  private static void ownByCaller(Path dir) throws IOException {
    try (var w = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) w::iterator) {
        dev.strata.posix.Posix.lchown(p, 0, 0);
        var st = dev.strata.posix.Posix.lstat(p);
        if ((st.isRegularFile() || st.isDirectory())
            && dev.strata.posix.Posix.lgetxattr(p, dev.strata.layer.Ownership.XATTR) != null) {
          dev.strata.posix.Posix.lremovexattr(p, dev.strata.layer.Ownership.XATTR);
        }
      }
    }
  }

  private static void moveContents(Path from, Path to) throws IOException {
    try (var s = Files.list(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path dst = to.resolve(p.getFileName());
        if (Files.exists(dst, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          dev.strata.layer.Trees.removeAll(dst);
        }
        Files.move(p, dst);
      }
    }
    Files.delete(from);
  }
}
