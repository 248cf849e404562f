package dev.strata.solver.copy;

import dev.strata.buildcache.CacheKey;
import dev.strata.buildcache.KeyInputs;
import dev.strata.frontend.ignore.DockerIgnore;
import dev.strata.frontend.instructions.Instruction;
import dev.strata.frontend.parser.Heredoc;
import dev.strata.frontend.plan.CopyOptions;
import dev.strata.frontend.plan.Stage;
import dev.strata.frontend.plan.Step;
import dev.strata.index.UrlRecord;
import dev.strata.oci.ImageConfig;
import dev.strata.solver.BuildProgress;
import dev.strata.solver.Operation;
import dev.strata.solver.StageResult;
import dev.strata.solver.StepContext;
import dev.strata.solver.StepInputs;
import dev.strata.solver.StepState;
import dev.strata.solver.StepText;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The COPY and ADD steps: what of them goes into their cache key besides their text (the content
 * hash of the files selected, each ADD URL's checksum or fetched digest, a linked copy's resolved
 * {@code --chown}) and making the copy, ADD's local archives unpacked and URLs fetched. One serves
 * every stage's thread; its only state is ADD's downloads, kept per stage.
 */
public final class CopyOp implements Operation {
  private final StepContext ctx;

  /** ADD's downloads, per stage: stages build on their own threads, a stage's steps in turn. */
  private final Map<Integer, RemoteFiles> remotes = new ConcurrentHashMap<>();

  /** Facts about stages' files, recorded so a build whose steps all hit needs no mount. */
  private final StageFacts facts;

  public CopyOp(StepContext ctx) {
    this.ctx = ctx;
    this.facts = new StageFacts(ctx);
  }

  /**
   * COPY/ADD inputs: the content hash of the selected files (--exclude and --parents applied), for
   * each ADD URL its --checksum or else the fetched body's digest and Last-Modified (as BuildKit's
   * http source keys it), and for a linked copy with --chown the resolved ids.
   */
  @Override
  public StepInputs inputs(StepState state) throws IOException, InterruptedException {
    Stage stage = state.stage();
    Step step = state.step();
    CopyOptions o = step.copy();
    String files = null;
    if (o.from() != null) {
      Optional<String> hash = fromStageHash(step.instruction(), o);
      if (hash.isEmpty()) {
        return StepInputs.needsNamespace();
      }
      files = hash.get();
    } else if (!o.localSources().isEmpty() || o.urls().isEmpty()) {
      try (CopySources src = ctx.sources().context().excluding(o.excluded()).forKey()) {
        files = src.contentHash(src.select(o.localSources(), o.parents()), false);
      }
    }
    List<String> urlInputs = new ArrayList<>();
    remote(stage).clear(); // bodies fetched for an earlier step that hit
    List<String> urls = o.urls();
    for (int n = 0; n < urls.size(); n++) {
      String url = urls.get(n);
      if (o.checksum() != null) {
        urlInputs.add(url + " " + o.checksum());
        continue;
      }
      if (ctx.keysOnly()) {
        return StepInputs.needsNamespace(); // the body must be fetched to know the key: inside
      }
      RemoteFiles.Fetched f = remote(stage).fetchForKey(url);
      urlInputs.add(
          url + " " + f.digest() + (f.lastModified() == null ? "" : " " + f.lastModified()));
    }
    String chown = null;
    if (o.linked() && o.hasChown()) {
      Optional<String> ids = linkChown(o.chown(), state.layers());
      if (ids.isEmpty()) {
        return StepInputs.needsNamespace();
      }
      chown = ids.get();
    }
    ImageConfig c = state.config();
    return StepInputs.of(KeyInputs.copy(c.user(), c.workingDir(), files, urlInputs, chown));
  }

  @Override
  public CacheKey recordKeyOf(Step step, CacheKey chained, String canonical, KeyInputs in) {
    return recordKey(step.copy(), chained, canonical, in);
  }

  @Override
  public boolean emptyTree(Step step) {
    return step.copy().linked();
  }

  /**
   * The key a step's record is found by: the chained key, or for a linked copy a key of the
   * instruction and the inputs the copy itself depends on (not the parent: a changed base or
   * earlier step does not re-run it). USER does not affect a copy; WORKDIR only a relative dest.
   */
  public static CacheKey recordKey(
      CopyOptions o, CacheKey chained, String canonical, KeyInputs inputs) {
    if (o == null || !o.linked()) {
      return chained;
    }
    return CacheKey.linked(canonical, inputs.withoutUser(o.dest().startsWith("/")));
  }

  /**
   * The content hash of what {@code COPY --from} selects. Computing it needs the source's files
   * mounted; it is recorded under the source's layer diffIDs and the instruction (content
   * addresses: a re-run step with the same key but other output does not match), so a build whose
   * steps all hit can take it without a mount.
   */
  private Optional<String> fromStageHash(Instruction c, CopyOptions o) throws IOException {
    StageResult src = ctx.sources().stageByRef(o.from());
    return facts.recorded(
        "copy-from",
        src.layers(),
        StepText.canonical(c),
        () -> {
          try (CopySources s = copySources(o.from()).excluding(o.excluded()).forKey()) {
            return s.contentHash(s.select(o.localSources(), o.parents()), true);
          }
        });
  }

  /**
   * --chown of a linked copy, resolved in the stage's /etc/passwd and /etc/group (the copy itself
   * is made in an empty tree). Recorded under the layers' diffIDs, so a build whose steps all hit
   * needs no mount for it.
   */
  private Optional<String> linkChown(String spec, List<StageResult.Layer> layers)
      throws IOException {
    return facts.recorded(
        "chown",
        layers,
        spec,
        () -> {
          Path rootfs = ctx.sources().mounted(new StageResult(-1, null, null, layers, null));
          return ChownSpec.format(ChownSpec.resolve(spec, rootfs));
        });
  }

  /**
   * Makes the copy of {@code in} in {@code rootfs} (a linked copy's is empty); the step's ADD
   * downloads are dropped after it, whether it failed or not.
   */
  @Override
  public void run(StepState state, BuildProgress.Step ps, Path rootfs, KeyInputs inputs)
      throws IOException, InterruptedException {
    Stage stage = state.stage();
    CopyOptions o = state.step().copy();
    List<Heredoc> docs = state.step().instruction().heredocs();
    try (CopySources src = copySources(o.from()).excluding(o.excluded())) {
      copyFiles(stage, ps, state.config(), rootfs, inputs, o, src, docs);
    } finally {
      remote(stage).clear();
    }
  }

  private void copyFiles(
      Stage stage,
      BuildProgress.Step ps,
      ImageConfig config,
      Path rootfs,
      KeyInputs inputs,
      CopyOptions o,
      CopySources src,
      List<Heredoc> docs)
      throws IOException, InterruptedException {
    String dest = o.dest();
    String from = o.from();
    List<CopySources.Selected> sel =
        new ArrayList<>(
            o.localSources().isEmpty() ? List.of() : src.select(o.localSources(), o.parents()));
    int sourceCount = sel.size() + o.urls().size() + docs.size();
    String workdir = config.workingDir();
    // a WORKDIR keeps its trailing slash (BuildKit): join without doubling it
    String dir = workdir.endsWith("/") ? workdir : workdir + '/';
    String d = dest.startsWith("/") ? dest : dir + dest;
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
          o.linked() ? ChownSpec.parse(inputs.chown()) : ChownSpec.resolve(o.chown(), rootfs);
      uid = ids[0];
      gid = ids[1];
    }
    Integer mode = o.chmod();
    if (o.add()) {
      // ADD: a local tar archive (plain, gzip or zstd) is unpacked into dest, as Docker does
      for (Iterator<CopySources.Selected> it = sel.iterator(); it.hasNext(); ) {
        CopySources.Selected s = it.next();
        if (!s.isDir() && Archives.isTar(src, s.path())) {
          Archives.extract(src, s.path(), rootfs, d.endsWith("/") ? d : d + "/");
          it.remove();
        }
      }
    }
    FileCopier copier = new FileCopier(rootfs, m -> ctx.progress().warning(ps, m));
    long files = o.urls().size() + docs.size();
    files += sel.stream().filter(s -> !s.isDir() && s.keep() == null).count();
    copier.refuseSeveralOntoFile(files, d, dest);
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
    if (!docs.isEmpty()) {
      InlineFiles.copy(docs, ctx.store().tmp(), copier, d, attrs, sourceCount);
    }
  }

  private CopySources copySources(String from) throws IOException {
    if (from == null) {
      return ctx.sources().context();
    }
    StageResult src = ctx.sources().stageByRef(from);
    Path rootfs = ctx.sources().mounted(src);
    return new CopySources(rootfs, DockerIgnore.none(), "stage " + from)
        .remembering(ctx.sources().listingsOnly());
  }

  private RemoteFiles remote(Stage stage) {
    return remotes.computeIfAbsent(
        stage.index(), k -> new RemoteFiles(ctx.store().tmp(), validators));
  }

  /** ADD URLs' last answers, in the store's index (one short index session each). */
  private final RemoteFiles.Validators validators =
      new RemoteFiles.Validators() {
        @Override
        public UrlRecord get(String url) {
          return ctx.store().withIndex(idx -> idx.url(url));
        }

        @Override
        public void put(String url, UrlRecord r) {
          ctx.store()
              .withIndex(
                  idx -> {
                    idx.putUrl(url, r);
                    return null;
                  });
        }
      };

  /** Deletes every stage's downloads, when the build ends; a failure is a warning. */
  @Override
  public void release() {
    for (RemoteFiles r : remotes.values()) {
      try {
        r.close();
      } catch (IOException e) {
        ctx.progress().warning(null, e.getMessage());
      }
    }
  }
}
