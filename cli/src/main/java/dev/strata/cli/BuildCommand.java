package dev.strata.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.oci.Json;
import dev.strata.registry.ImageResolver;
import dev.strata.registry.PullPolicy;
import dev.strata.registry.RegistryOptions;
import dev.strata.rootless.Namespace;
import dev.strata.solver.BuildException;
import dev.strata.solver.BuildProgress;
import dev.strata.solver.BuildResult;
import dev.strata.solver.BuildSession;
import dev.strata.solver.BuildTools;
import dev.strata.solver.IoErrorText;
import dev.strata.solver.Solver;
import dev.strata.store.Store;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata build}: a Dockerfile and a context into an image in the store. The JVM first
 * re-executes itself inside Strata's user namespace (it unpacks layers with their owners, mounts
 * overlays and runs RUN steps there).
 */
@Command(name = "build", description = "Build an image from a Dockerfile.")
final class BuildCommand implements Callable<Integer> {
  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;
  @Mixin BuildxFlags buildx = new BuildxFlags();

  @Option(
      names = {"-f", "--file"},
      paramLabel = "FILE",
      description = "The Dockerfile (default CONTEXT/Dockerfile); - reads it from stdin.")
  String file;

  @Option(
      names = {"-t", "--tag"},
      paramLabel = "NAME",
      description = "Name the image (repeatable).")
  List<String> tags = new ArrayList<>();

  @Option(
      names = "--target",
      paramLabel = "STAGE",
      description = "Build this stage (default: the last).")
  String target;

  @Option(names = "--build-arg", paramLabel = "K=V", description = "A build argument (repeatable).")
  List<String> buildArgs = new ArrayList<>();

  @Option(names = "--no-cache", description = "Run every step; record the results.")
  boolean noCache;

  @Option(
      names = "--network",
      paramLabel = "MODE",
      description = "Network of RUN steps: host (default) or none.")
  String network = "host";

  @Option(
      names = {"-o", "--output"},
      paramLabel = "type=T,dest=D",
      description =
          "Also write the result: oci, oci-archive, docker-archive or local (repeatable).")
  List<String> outputs = new ArrayList<>();

  @Option(
      names = "--platform",
      paramLabel = "OS/ARCH",
      description = "The platform to build for: this machine's (no emulation).")
  String platform;

  @Option(
      names = "--compression",
      paramLabel = "ALGO",
      description = "Layer compression of --output type=registry: gzip (default) or zstd.")
  String compression = "gzip";

  @Option(
      names = "--stats-json",
      paramLabel = "FILE",
      description = "Write the build statistics here.")
  Path statsJson;

  @Option(
      names = "--snapshotter",
      paramLabel = "NAME",
      description = "overlay, copy or auto (default).")
  String snapshotter = "auto";

  @Option(
      names = "--pull",
      paramLabel = "POLICY",
      description =
          "Base images: missing (default: the store, then mirrors, then the registry), always or never.")
  String pull = "missing";

  @Option(
      names = "--id-mapping",
      paramLabel = "MODE",
      description = "auto (default), identity, subids or single.")
  String idMapping = "auto";

  @Option(
      names = "--isolation",
      paramLabel = "RUNG",
      description =
          "How RUN steps are isolated: auto (default: userns where a user namespace can be made, else chroot as root), userns or chroot.")
  String isolation = "auto";

  @Option(
      names = "--secret",
      paramLabel = "id=ID[,src=FILE|,env=VAR]",
      description =
          "A secret for RUN --mount=type=secret: a file, or a variable (default: the one named ID).")
  List<String> secrets = new ArrayList<>();

  @Option(
      names = "--ssh",
      paramLabel = "ID[=SOCKET]",
      description =
          "An ssh-agent for RUN --mount=type=ssh: its socket, or $SSH_AUTH_SOCK (--ssh default).")
  List<String> ssh = new ArrayList<>();

  static final String SECURITY_INSECURE = "security.insecure"; // buildx's entitlement

  @Option(
      names = "--allow",
      paramLabel = "ENTITLEMENT",
      split = ",",
      description =
          "Allow what RUN steps ask for, as buildx: security.insecure (RUN --security=insecure:"
              + " every capability, no seccomp filter); network.host (always allowed).")
  List<String> allow = new ArrayList<>();

  @Option(
      names = "--cache-from",
      paramLabel = "type=local,src=DIR|type=registry,ref=REF",
      description =
          "Also look steps up in this exported cache (repeatable); blobs are copied or downloaded when needed.")
  List<String> cacheFrom = new ArrayList<>();

  @Option(
      names = "--cache-to",
      paramLabel = "type=local,dest=DIR|type=registry,ref=REF[,mode=min|max]",
      description =
          "Export the build's cache records and layers here (min: the final image's steps; max: every stage).")
  List<String> cacheTo = new ArrayList<>();

  @Option(
      names = "--offline",
      description =
          "Refuse every network access: base images come from the store,"
              + " a registry --cache-from is not used (a warning), a registry --cache-to or output fails.")
  boolean offline;

  @Parameters(paramLabel = "CONTEXT", description = "The build context directory.")
  Path context;

  @Override
  public Integer call() throws Exception {
    BuildArgs request = new BuildArgs(this);
    request.check(); // usage errors and what is wrong with the arguments, before any work
    checkIsolation(spec, isolation); // up front: a usage error, before any work
    boolean outside = !Namespace.inside();
    List<String> argv = new ArrayList<>(spec.root().commandLine().getParseResult().originalArgs());
    if (outside && "-".equals(file)) {
      // stdin cannot be read twice: keep it in a file the second JVM reads
      Path tmp = Files.createTempFile("strata-dockerfile", "");
      tmp.toFile().deleteOnExit();
      Files.copy(System.in, tmp, StandardCopyOption.REPLACE_EXISTING);
      argv.set(argv.indexOf("-"), tmp.toString());
      file = tmp.toString();
    }
    PrintStream log = buildx.log(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
    ProgressMode mode;
    try {
      mode = buildx.mode(top.progress);
    } catch (ProgressMode.UnknownModeException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    // The view is closed before the error mapper prints (the final frame, then "Error: ...") and
    // before the image id goes to stdout, which may be the same terminal as the live region.
    BuildSession session = new BuildSession(Namespace.forStore(top.root), null);
    Optional<BuildSession.Built> built;
    try (ProgressView progress = mode.open(log, System.getenv())) {
      // Outside the namespace a build whose every step hits is done here, in this JVM: the
      // solver holds that attempt's events back unless it succeeds, so a view shows nothing
      // before the re-exec and the second JVM draws the build once.
      try (Store store = top.openStore()) {
        session = new BuildSession(Namespace.forStore(top.root), t -> solver(t, progress, log));
        built = session.build(store, request.request(), snapshotter, progress);
        if (built.isPresent()) {
          report(built.get().result(), progress, built.get().isolation());
        }
      }
    }
    if (built.isEmpty()) { // this view is closed: the second JVM owns the terminal from here
      return session.continueInside(
          isolation, idMapping, Main.class.getName(), withProgress(argv, mode));
    }
    BuildResult result = built.get().result();
    buildx.write(result, tags);
    spec.commandLine().getOut().println(result.imageId());
    CacheGc.afterBuild(top, log);
    return 0;
  }

  /** plain: the registry's lines as `strata pull` prints them; else as info events of the view. */
  private static PrintWriter registryLines(BuildProgress progress, PrintStream log) {
    return progress instanceof PlainProgress
        ? new PrintWriter(log, true)
        : new PrintWriter(new InfoWriter(progress), true);
  }

  private Solver solver(BuildTools tools, BuildProgress progress, PrintStream log) {
    PullPolicy policy = PullPolicy.parse(pull);
    RegistryOptions opts = PullCommand.options(offline, registryLines(progress, log), top);
    ImageResolver resolver = new ImageResolver(tools.store(), opts);
    return new Solver(tools, ref -> resolver.resolve(ref, policy), opts);
  }

  /**
   * The command line of the JVM inside the namespace: {@code --progress} set to the mode chosen
   * here, first (a global option), any given one removed (picocli takes an option once).
   */
  static List<String> withProgress(List<String> argv, ProgressMode mode) {
    List<String> out = new ArrayList<>();
    out.add("--progress=" + mode.word());
    for (int i = 0; i < argv.size(); i++) {
      String a = argv.get(i);
      if (a.equals("--")) {
        out.addAll(argv.subList(i, argv.size()));
        break;
      } else if (a.equals("--progress")) {
        i++; // and its value
      } else if (!a.startsWith("--progress=")) {
        out.add(a);
      }
    }
    return out;
  }

  /** Checks an {@code --isolation} word (auto, userns or chroot): a usage error otherwise. */
  static void checkIsolation(CommandSpec spec, String word) {
    try {
      Namespace.checkIsolation(word);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** Writes the statistics and says what was built. */
  private void report(BuildResult r, BuildProgress progress, Optional<String> isolationUsed) {
    if (statsJson != null) {
      try {
        byte[] stats = r.statsJson();
        if (isolationUsed.isPresent()) { // additive: a new top-level field, the others unchanged
          ObjectNode o = Json.parseObject(stats);
          o.put("isolation", isolationUsed.get());
          stats = Json.bytes(o);
        }
        Files.write(statsJson, stats);
      } catch (IOException e) {
        throw new BuildException(
            "--stats-json: cannot write " + statsJson + ": " + IoErrorText.reason(e), e);
      }
    }
    progress.info(
        String.format(
            Locale.ROOT,
            "%s (%d steps, hit rate %.0f%%)",
            r.imageId().shortHex(),
            r.steps().size(),
            r.hitRate() * 100));
  }
}
