package dev.strata.build;

import dev.strata.buildcache.CacheKey;
import dev.strata.frontend.ignore.DockerIgnore;
import dev.strata.frontend.instructions.Instruction;
import dev.strata.frontend.plan.CopyOptions;
import dev.strata.frontend.plan.Stage;
import dev.strata.frontend.plan.Step;
import dev.strata.oci.Digest;
import dev.strata.oci.ImageConfig;
import dev.strata.remotecache.ImportedCache;
import dev.strata.store.Store;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The COPY and ADD steps: what of them goes into their cache key besides their text (the content
 * hash of the files selected, each ADD URL's checksum or fetched digest, a linked copy's resolved
 * {@code --chown}) and making the copy, ADD's local archives unpacked and URLs fetched. One serves
 * every stage's thread; its only state is ADD's downloads, kept per stage.
 */
final class CopyStep {
  private final Store store;
  private final BuildProgress progress;

  /** Compute keys only: an input that needs a mount or a download stops the build. */
  private final boolean keysOnly;

  private final StepSources sources;

  /** Facts a --cache-from bundle recorded, taken when the store has none. */
  private final ImportedCache imported;

  /** The facts this build used, by key: --cache-to exports them. */
  private final Map<String, String> usedFacts;

  /** ADD's downloads, per stage: stages build on their own threads, a stage's steps in turn. */
  private final Map<Integer, RemoteFiles> remotes = new java.util.concurrent.ConcurrentHashMap<>();

  CopyStep(
      Store store,
      BuildProgress progress,
      boolean keysOnly,
      StepSources sources,
      ImportedCache imported,
      Map<String, String> usedFacts) {
    this.imported = imported;
    this.usedFacts = usedFacts;
    this.store = store;
    this.progress = progress;
    this.keysOnly = keysOnly;
    this.sources = sources;
  }

  /**
   * COPY/ADD inputs: the content hash of the selected files (--exclude and --parents applied), for
   * each ADD URL its --checksum or else the fetched body's digest and Last-Modified (as BuildKit's
   * http source keys it), and for a linked copy with --chown the resolved ids.
   */
  void inputs(Stage stage, Step step, List<StageResult.Layer> layers, Map<String, String> in)
      throws IOException, InterruptedException {
    CopyOptions o = step.copy();
    if (o.from() != null) {
      in.put("files", fromStageHash(step.instruction(), o));
    } else if (!o.localSources().isEmpty() || o.urls().isEmpty()) {
      try (CopySources src = sources.context().excluding(o.excluded()).forKey()) {
        in.put("files", src.contentHash(src.select(o.localSources(), o.parents()), false));
      }
    }
    remote(stage).clear(); // bodies fetched for an earlier step that hit
    List<String> urls = o.urls();
    for (int n = 0; n < urls.size(); n++) {
      String url = urls.get(n);
      if (o.checksum() != null) {
        in.put("url." + n, url + " " + o.checksum());
        continue;
      }
      if (keysOnly) {
        throw new BuildRun
            .NeedsNamespace(); // the body must be fetched to know the key: fetch once, inside
      }
      RemoteFiles.Fetched f = remote(stage).fetchForKey(url);
      in.put(
          "url." + n,
          url + " " + f.digest() + (f.lastModified() == null ? "" : " " + f.lastModified()));
    }
    if (o.linked() && o.hasChown()) {
      in.put("chown", linkChown(o.chown(), layers));
    }
  }

  /**
   * The key a step's record is found by: the chained key, or for a linked copy a key of the
   * instruction and the inputs the copy itself depends on (not the parent: a changed base or
   * earlier step does not re-run it). USER does not affect a copy; WORKDIR only a relative dest.
   */
  static CacheKey recordKey(
      CopyOptions o, CacheKey chained, String canonical, Map<String, String> inputs) {
    if (o == null || !o.linked()) {
      return chained;
    }
    Map<String, String> own = new TreeMap<>(inputs);
    own.remove("user");
    if (o.dest().startsWith("/")) {
      own.remove("workdir");
    }
    return CacheKey.linked(canonical, own);
  }

  /**
   * The content hash of what {@code COPY --from} selects. Computing it needs the source's files
   * mounted; it is recorded under the source's layer diffIDs and the instruction (content
   * addresses: a re-run step with the same key but other output does not match), so a build whose
   * steps all hit can take it without a mount.
   */
  private String fromStageHash(Instruction c, CopyOptions o) throws IOException {
    StageResult src = sources.stageByRef(o.from());
    return recorded(
        "copy-from",
        src.layers(),
        BuildRun.canonical(c),
        () -> {
          try (CopySources s = copySources(o.from()).excluding(o.excluded()).forKey()) {
            return s.contentHash(s.select(o.sources(), o.parents()), true);
          }
        });
  }

  /**
   * --chown of a linked copy, resolved in the stage's /etc/passwd and /etc/group (the copy itself
   * is made in an empty tree). Recorded under the layers' diffIDs, so a build whose steps all hit
   * needs no mount for it.
   */
  private String linkChown(String spec, List<StageResult.Layer> layers) throws IOException {
    return recorded(
        "chown",
        layers,
        spec,
        () -> {
          Path rootfs = sources.mounted(new StageResult(-1, null, null, layers, null));
          return ChownSpec.format(ChownSpec.resolve(spec, rootfs));
        });
  }

  /** What is learnt from a stage's files, computed inside the namespace. */
  private interface MountedWork {
    String compute() throws IOException;
  }

  /**
   * A fact about the files of {@code layers} (a content hash, resolved ids), computed once with
   * them mounted and recorded under content addresses, {@code kind|diffIDs|what}, so a build whose
   * steps all hit takes it without a mount; in the cache-only attempt a fact not yet recorded sends
   * the build into the namespace.
   */
  private String recorded(
      String kind, List<StageResult.Layer> layers, String what, MountedWork work)
      throws IOException {
    StringBuilder id = new StringBuilder(kind).append('|');
    layers.forEach(l -> id.append(l.diffId()).append('|'));
    id.append(what);
    String key =
        Digest.sha256(id.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
    String known = store.withIndex(idx -> idx.fileHash(key));
    if (known == null && (known = imported.fact(key)) != null) {
      String fact = known;
      store.withIndex(
          idx -> {
            idx.putFileHash(key, fact);
            return null;
          });
    }
    if (known != null) {
      usedFacts.put(key, known);
      return known;
    }
    if (keysOnly) {
      throw new BuildRun.NeedsNamespace();
    }
    String value = work.compute();
    usedFacts.put(key, value);
    store.withIndex(
        idx -> {
          idx.putFileHash(key, value);
          return null;
        });
    return value;
  }

  /**
   * Makes the copy of {@code in} in {@code rootfs} (a linked copy's is empty); the step's ADD
   * downloads are dropped after it, whether it failed or not.
   */
  void copy(
      Stage stage,
      Step step,
      BuildProgress.Step ps,
      ImageConfig config,
      Path rootfs,
      Map<String, String> inputs)
      throws IOException, InterruptedException {
    try {
      copyFiles(stage, step.copy(), ps, config, rootfs, inputs);
    } finally {
      remote(stage).clear();
    }
  }

  private void copyFiles(
      Stage stage,
      CopyOptions o,
      BuildProgress.Step ps,
      ImageConfig config,
      Path rootfs,
      Map<String, String> inputs)
      throws IOException, InterruptedException {
    try (CopySources src = copySources(o.from()).excluding(o.excluded())) {
      copyFiles(stage, ps, config, rootfs, inputs, o, src);
    }
  }

  private void copyFiles(
      Stage stage,
      BuildProgress.Step ps,
      ImageConfig config,
      Path rootfs,
      Map<String, String> inputs,
      CopyOptions o,
      CopySources src)
      throws IOException, InterruptedException {
    String dest = o.dest();
    String from = o.from();
    List<CopySources.Selected> sel =
        new ArrayList<>(
            o.localSources().isEmpty() ? List.of() : src.select(o.localSources(), o.parents()));
    int sourceCount = sel.size() + o.urls().size();
    String workdir = config.workingDir();
    String d = dest.startsWith("/") ? dest : (workdir.isEmpty() ? "/" : workdir + "/") + dest;
    // "." and a trailing "/" or "/." name a directory, existing or not (Docker's rule)
    if (dest.equals(".") || dest.endsWith("/.") || d.endsWith("/.")) {
      d = d.substring(0, d.length() - 1);
    }
    if ((dest.endsWith("/") || dest.equals(".") || dest.endsWith("/.")) && !d.endsWith("/")) {
      d = d + "/";
    }
    Integer uid = null;
    Integer gid = null;
    if (o.hasChown()) {
      // a linked copy's rootfs is empty: the ids were resolved in the stage's (inputs)
      int[] ids =
          o.linked() ? ChownSpec.parse(inputs.get("chown")) : ChownSpec.resolve(o.chown(), rootfs);
      uid = ids[0];
      gid = ids[1];
    }
    Integer mode = o.chmod();
    if (o.add()) {
      // ADD: a local tar archive (plain, gzip or zstd) is unpacked into dest, as Docker does
      for (java.util.Iterator<CopySources.Selected> it = sel.iterator(); it.hasNext(); ) {
        CopySources.Selected s = it.next();
        if (!s.isDir() && Archives.isTar(src, s.path())) {
          Archives.extract(src, s.path(), rootfs, d.endsWith("/") ? d : d + "/");
          it.remove();
        }
      }
    }
    FileCopier copier = new FileCopier(rootfs, m -> progress.warning(ps, m));
    long files = sel.stream().filter(s -> !s.isDir() && s.keep() == null).count() + o.urls().size();
    if (files > 1 && !d.endsWith("/") && !copier.isDirectory(d)) { // Docker's classic rule
      throw new BuildException(
          files
              + " source files for \""
              + dest
              + "\", which is not a directory: end it with /"
              + " to copy them into one (BuildKit keeps only the last file, moby/buildkit#4550)");
    }
    FileCopier.Attrs attrs = new FileCopier.Attrs(uid, gid, mode, from != null);
    if (!sel.isEmpty()) {
      copier.copy(src, sel, d, attrs, sourceCount);
    }
    for (String url : o.urls()) {
      RemoteFiles.Fetched f = remote(stage).fetch(url, o.checksum());
      Path file = f.file();
      try (CopySources one = new CopySources(file.getParent(), DockerIgnore.none(), url)) {
        String name = file.getFileName().toString();
        copier.copy(
            one, List.of(new CopySources.Selected(name, name, false)), d, attrs, sourceCount);
      }
    }
  }

  private CopySources copySources(String from) throws IOException {
    if (from == null) {
      return sources.context();
    }
    StageResult src = sources.stageByRef(from);
    Path rootfs = sources.mounted(src);
    return new CopySources(rootfs, DockerIgnore.none(), "stage " + from);
  }

  private RemoteFiles remote(Stage stage) {
    return remotes.computeIfAbsent(stage.index(), k -> new RemoteFiles(store.tmp(), validators));
  }

  /** ADD URLs' last answers, in the store's index (one short index session each). */
  private final RemoteFiles.Validators validators =
      new RemoteFiles.Validators() {
        @Override
        public dev.strata.index.UrlRecord get(String url) {
          return store.withIndex(idx -> idx.url(url));
        }

        @Override
        public void put(String url, dev.strata.index.UrlRecord r) {
          store.withIndex(
              idx -> {
                idx.putUrl(url, r);
                return null;
              });
        }
      };

  /** Deletes every stage's downloads, when the build ends; a failure is a warning. */
  void closeRemotes() {
    for (RemoteFiles r : remotes.values()) {
      try {
        r.close();
      } catch (IOException e) {
        progress.warning(null, e.getMessage());
      }
    }
  }
}
