package dev.strata.cli;

import dev.strata.rootless.Namespace;
import dev.strata.sandbox.Capabilities;
import dev.strata.sandbox.NetworkMode;
import dev.strata.sandbox.RunDefaults;
import dev.strata.sandbox.SandboxMount;
import dev.strata.sandbox.SandboxSecurity;
import dev.strata.sandbox.SandboxSpec;
import dev.strata.solver.ImageRootfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
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

  @Override
  public Integer call() throws Exception {
    validate();
    SandboxSecurity security = security();
    BuildCommand.checkIsolation(spec, isolation);
    Namespace namespace = Namespace.forStore(top.root);
    if (!Namespace.inside()) {
      top.warnIfStoreOpenToOthers(); // the JVM inside opens the store, and does not warn
      List<String> argv = spec.root().commandLine().getParseResult().originalArgs();
      return namespace.reexec(isolation, idMapping, Main.class.getName(), argv);
    }
    // A run keeps no container state yet: the image's snapshot goes with or without --rm.
    try (ImageRootfs image =
        rootfs != null ? null : ImageRootfs.open(top.openStore(), args.get(0))) {
      Path root = image != null ? image.rootfs() : rootfs.toAbsolutePath();
      RunDefaults defaults = image != null ? image.defaults() : RunDefaults.NONE;
      List<String> cmd = rootfs != null ? args : args.subList(1, args.size());
      SandboxSpec s =
          defaults
              .toSpec(
                  root,
                  cmd,
                  envOverrides(),
                  Optional.ofNullable(user),
                  Optional.ofNullable(workdir),
                  network)
              .withHostname(Optional.ofNullable(hostname))
              .withMounts(MountArgs.ordered(volumes, tmpfs))
              .withSecurity(security);
      spec.commandLine().getOut().flush();
      return namespace.sandbox().runner().runInherited(s);
    }
  }

  private void validate() {
    if (rootfs != null && !Files.isDirectory(rootfs)) {
      throw new IllegalArgumentException("--rootfs " + rootfs + ": no such directory");
    }
    if (rootfs == null && args.isEmpty()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Missing image NAME (or --rootfs DIR)");
    }
    for (SandboxMount v : volumes) {
      Path src = v.source().orElseThrow();
      if (!Files.exists(src)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "-v: source " + src + " (for " + v.target() + ") does not exist");
      }
    }
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
        throw new CommandLine.ParameterException(
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
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
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
