package dev.strata.cli;

import dev.strata.layer.snapshot.Snapshot;
import dev.strata.nshelper.HelperBinary;
import dev.strata.nshelper.IdMapping;
import dev.strata.nshelper.Isolation;
import dev.strata.nshelper.UserNamespace;
import dev.strata.oci.ImageConfig;
import dev.strata.sandbox.Capabilities;
import dev.strata.sandbox.NetworkMode;
import dev.strata.sandbox.RunDefaults;
import dev.strata.sandbox.SandboxMount;
import dev.strata.sandbox.SandboxRunner;
import dev.strata.sandbox.SandboxSecurity;
import dev.strata.sandbox.SandboxSpec;
import dev.strata.solver.ImageSnapshots;
import dev.strata.store.Store;
import dev.strata.store.StoredImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata run}: a command in an image from the store or, with {@code --rootfs}, in a rootfs
 * directory, as {@code podman run} does. The JVM first re-executes itself inside Strata's user
 * namespace (DESIGN.md "Rootless model"); the second run of this class, inside, prepares the rootfs
 * and runs the command through the sandbox. Its exit status is the command's.
 */
@Command(
    name = "run",
    description = "Run a command in an image, or in a rootfs directory with --rootfs.",
    modelTransformer = UnshareCommand.StopAtPositional.class)
final class RunCommand implements Callable<Integer> {
  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;

  @Option(names = "--rm", description = "Remove the container's files when the command ends.")
  boolean rm;

  @Option(
      names = "--network",
      paramLabel = "MODE",
      converter = NetworkModeConverter.class,
      description = "host (default) or none (a network namespace with only lo).")
  NetworkMode network = NetworkMode.HOST;

  @Option(
      names = {"-e", "--env"},
      paramLabel = "KEY[=VALUE]",
      description = "Set an environment variable; KEY alone takes the value from here.")
  List<String> env = new ArrayList<>();

  @Option(
      names = {"-u", "--user"},
      paramLabel = "USER[:GROUP]",
      description = "Run as this user (name or uid, resolved in the rootfs).")
  String user;

  @Option(
      names = {"-w", "--workdir"},
      paramLabel = "DIR",
      description = "Working directory inside (created when missing).")
  String workdir;

  @Option(names = "--hostname", paramLabel = "NAME", description = "Hostname inside.")
  String hostname;

  @Option(
      names = {"-v", "--volume"},
      paramLabel = "SRC:DST[:ro|rw]",
      converter = MountArgs.VolumeConverter.class,
      description = "Bind the host file or directory SRC at DST inside (repeatable).")
  List<SandboxMount> volumes = new ArrayList<>();

  @Option(
      names = "--tmpfs",
      paramLabel = "DST[:OPT,...]",
      converter = MountArgs.TmpfsConverter.class,
      description = "Mount a tmpfs at DST; OPT: size=N[k|m|g], mode=OCTAL, ro, rw (repeatable).")
  List<SandboxMount> tmpfs = new ArrayList<>();

  @Option(
      names = "--rootfs",
      paramLabel = "DIR",
      description = "Run in this rootfs directory instead of an image; all arguments are CMD.")
  Path rootfs;

  @Option(
      names = "--id-mapping",
      paramLabel = "MODE",
      description = "auto (default), identity, subids or single (see STRATA_ID_MAPPING).")
  String idMapping = "auto";

  @Option(
      names = "--isolation",
      paramLabel = "RUNG",
      description =
          "auto (default: userns where a user namespace can be made, else chroot as root), userns or chroot.")
  String isolation = "auto";

  @Option(
      names = "--cap-add",
      paramLabel = "CAP",
      description =
          "Add a capability to Docker's default set (NET_ADMIN, CAP_SYS_PTRACE, ALL; repeatable).")
  List<String> capAdd = new ArrayList<>();

  @Option(
      names = "--cap-drop",
      paramLabel = "CAP",
      description =
          "Drop a capability from the set (ALL: keep only those of --cap-add; repeatable).")
  List<String> capDrop = new ArrayList<>();

  @Option(
      names = "--security-opt",
      paramLabel = "OPT",
      description = "seccomp=unconfined: no seccomp filter (default: podman's default profile).")
  List<String> securityOpts = new ArrayList<>();

  @Parameters(paramLabel = "NAME|CMD", description = "Image NAME then CMD, or with --rootfs CMD.")
  List<String> args = new ArrayList<>();

  /** A rootfs ready to run in, with the image's defaults and what --rm removes. */
  record Prepared(Path rootfs, RunDefaults defaults, AutoCloseable release) {}

  @Override
  public Integer call() throws Exception {
    validate();
    SandboxSecurity security = security();
    HelperBinary helper = HelperBinary.in(UnshareCommand.helperDir(top));
    Optional<Isolation.Rung> isolationRequest = BuildCommand.isolationRequest(spec, isolation);
    if (!UserNamespace.inside()) {
      top.warnIfStoreOpenToOthers(); // the JVM inside opens the store, and does not warn
      Isolation.Rung rung = BuildCommand.isolationRung(isolationRequest, helper);
      IdMapping mapping = UserNamespace.mappingFor(UnshareCommand.idMappingRequest(idMapping));
      List<String> argv = spec.root().commandLine().getParseResult().originalArgs();
      return UserNamespace.reexecJvm(helper, rung, mapping, Main.class.getName(), argv);
    }
    Prepared p =
        rootfs != null
            ? new Prepared(rootfs.toAbsolutePath(), RunDefaults.NONE, () -> {})
            : prepareImage(args.get(0));
    List<String> cmd = rootfs != null ? args : args.subList(1, args.size());
    try {
      SandboxSpec s =
          p.defaults()
              .toSpec(
                  p.rootfs(),
                  cmd,
                  envOverrides(),
                  Optional.ofNullable(user),
                  Optional.ofNullable(workdir),
                  network)
              .withHostname(Optional.ofNullable(hostname))
              .withMounts(MountArgs.ordered(volumes, tmpfs))
              .withSecurity(security);
      spec.commandLine().getOut().flush();
      return new SandboxRunner(helper, Optional.of(Isolation.forThisProcess(helper)))
          .runInherited(s);
    } finally {
      // A run keeps no container state yet: the snapshot goes with or without --rm.
      p.release().close();
    }
  }

  private void validate() {
    if (rootfs != null && !Files.isDirectory(rootfs)) {
      throw new IllegalArgumentException("--rootfs " + rootfs + ": no such directory");
    }
    if (rootfs == null && args.isEmpty()) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "Missing image NAME (or --rootfs DIR)");
    }
    for (SandboxMount v : volumes) {
      Path src = v.source().orElseThrow();
      if (!Files.exists(src)) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(), "-v: source " + src + " (for " + v.target() + ") does not exist");
      }
    }
  }

  /**
   * The rootfs of image {@code name}: its layers from the store as a snapshot (overlay, or a copy),
   * with its config's Entrypoint/Cmd/Env/User/WorkingDir. Released (unmounted and deleted) after
   * the command with --rm; without --rm too, since a run keeps no container state yet (see README).
   */
  private Prepared prepareImage(String name) throws IOException {
    Store store = top.openStore();
    // Held shared until the run ends, as a build holds it: a prune waits rather than delete
    // the unpacked layers this rootfs stands on.
    AutoCloseable using = store.beginWrite();
    try {
      StoredImage img = store.image(name);
      Snapshot snap = ImageSnapshots.prepare(store, ImageSnapshots.snapshotter(store, "auto"), img);
      ImageConfig c = img.config();
      RunDefaults d =
          new RunDefaults(c.entrypoint(), c.cmd(), c.env(), text(c.user()), text(c.workingDir()));
      return new Prepared(
          snap.rootfs(),
          d,
          () -> {
            try {
              snap.close();
            } finally {
              try {
                using.close();
              } finally {
                store.close();
              }
            }
          });
    } catch (IOException | RuntimeException e) {
      try {
        using.close();
      } catch (Exception suppressed) {
        e.addSuppressed(suppressed);
      }
      store.close();
      throw e;
    }
  }

  private static Optional<String> text(String s) {
    return s.isEmpty() ? Optional.empty() : Optional.of(s);
  }

  /**
   * --cap-add, --cap-drop and --security-opt as podman takes them; a bad one is a usage error,
   * found before the namespace is entered.
   */
  private SandboxSecurity security() {
    boolean seccomp = true;
    for (String o : securityOpts) {
      if (o.equals("seccomp=unconfined") || o.equals("seccomp:unconfined")) {
        seccomp = false;
      } else {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(),
            "--security-opt "
                + o
                + ": only seccomp=unconfined is supported (a profile FILE is not)");
      }
    }
    try {
      long caps = Capabilities.merge(SandboxSecurity.DEFAULT.capabilities(), capAdd, capDrop);
      return SandboxSecurity.DEFAULT.withCapabilities(caps).withSeccomp(seccomp);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** -e KEY=VALUE as given; -e KEY takes KEY's value from this environment, if set. */
  private List<String> envOverrides() {
    List<String> out = new ArrayList<>();
    for (String e : env) {
      if (e.indexOf('=') > 0) {
        out.add(e);
      } else if (System.getenv(e) != null) {
        out.add(e + "=" + System.getenv(e));
      }
    }
    return out;
  }

  /** {@code --network host|none}; an unknown word is a usage error naming the choices. */
  static final class NetworkModeConverter implements ITypeConverter<NetworkMode> {
    @Override
    public NetworkMode convert(String value) {
      return NetworkMode.parse(value);
    }
  }
}
