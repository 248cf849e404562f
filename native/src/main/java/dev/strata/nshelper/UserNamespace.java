package dev.strata.nshelper;

import dev.strata.nshelper.IdMapping.Mode;
import dev.strata.nshelper.IdMapping.Range;
import dev.strata.nshelper.NativeProtocol.Job;
import dev.strata.nshelper.NativeProtocol.Option;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Strata's user namespace (DESIGN.md "Rootless model", step 1). A JVM cannot unshare its own user
 * namespace (it is multithreaded), so entering means running a program through {@code
 * strata-nshelper enter}: another JVM running the same command line ({@link #reexecJvm}), or the
 * command of {@code strata unshare} ({@link #enter}).
 *
 * <p>The helper's environment carries {@value #ENV_INSIDE}, the {@link Mode} word, so the program
 * knows it is inside and how ids map.
 */
public final class UserNamespace {
  /** Set inside the namespace to the id mapping mode's word. */
  public static final String ENV_INSIDE = "STRATA_NAMESPACE";

  private UserNamespace() {}

  /** Whether this process already runs inside Strata's namespace. */
  public static boolean inside() {
    return current().isPresent();
  }

  /** The mapping mode of the namespace this process runs in, if inside. */
  public static Optional<Mode> current() {
    String v = System.getenv(ENV_INSIDE);
    if (v == null || v.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(Mode.parse(v));
  }

  /** The mapping for this process under {@code request} and the environment (see policy). */
  public static IdMapping mappingFor(Optional<Mode> request) throws IOException {
    Optional<Mode> req = request;
    String env = System.getenv("STRATA_ID_MAPPING");
    if (req.isEmpty() && env != null && !env.isEmpty() && !env.equals("auto")) {
      req = Optional.of(Mode.parse(env));
    }
    long[] ids = callerIds();
    IdMappingPolicy.Facts facts =
        new IdMappingPolicy.Facts(
            ids[0],
            ids[1],
            System.getProperty("user.name"),
            readIfPresent(Path.of("/etc/subuid")),
            readIfPresent(Path.of("/etc/subgid")),
            findTool("newuidmap").isPresent() && findTool("newgidmap").isPresent());
    IdMapping chosen = IdMappingPolicy.choose(req, System.getenv("STRATA_ROOTLESS"), facts);
    if (chosen.mode() == Mode.IDENTITY) {
      // Root inside a user namespace of its own (a hostUsers: false pod) has only its ids.
      return IdMapping.identityWithin(
          readIfPresent(Path.of("/proc/self/uid_map")),
          readIfPresent(Path.of("/proc/self/gid_map")));
    }
    return chosen;
  }

  /** The helper's argv to enter the namespace with {@code mapping} and exec {@code program}. */
  public static List<String> enterCommand(
      HelperBinary helper, IdMapping mapping, List<String> program) {
    List<String> cmd = new ArrayList<>();
    cmd.add(helper.path().toString());
    cmd.add(Job.ENTER.word);
    cmd.add(Option.PARENT_PID.flag);
    cmd.add(Long.toString(ProcessHandle.current().pid()));
    for (Range r : mapping.uids()) {
      cmd.add(Option.UID_MAP.flag);
      cmd.add(r.toString());
    }
    for (Range r : mapping.gids()) {
      cmd.add(Option.GID_MAP.flag);
      cmd.add(r.toString());
    }
    if (mapping.mode() == Mode.SUBIDS) {
      cmd.add(Option.NEWUIDMAP.flag);
      cmd.add(findTool("newuidmap").orElseThrow().toString());
      cmd.add(Option.NEWGIDMAP.flag);
      cmd.add(findTool("newgidmap").orElseThrow().toString());
    }
    cmd.add(NativeProtocol.END_OF_OPTIONS);
    cmd.addAll(program);
    return cmd;
  }

  /**
   * Runs {@code program} inside a new namespace in the foreground (stdio inherited, signals
   * relayed) and returns its exit status.
   */
  public static int enter(HelperBinary helper, IdMapping mapping, List<String> program)
      throws IOException, InterruptedException {
    return enter(helper, mapping, program, JvmLocale::forCallerCommand);
  }

  /** {@code locale} sets the program's locale variables (see {@link JvmLocale}). */
  private static int enter(
      HelperBinary helper,
      IdMapping mapping,
      List<String> program,
      Consumer<Map<String, String>> locale)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(enterCommand(helper, mapping, program)).inheritIO();
    locale.accept(pb.environment());
    pb.environment().put(ENV_INSIDE, mapping.mode().word());
    pb.environment().put(Isolation.ENV, Isolation.Rung.USERNS.word);
    pb.environment().remove(Isolation.ENV_NO_USER_NAMESPACE);
    return ForegroundProcess.run(pb);
  }

  /**
   * Runs this JVM's command line again ({@code mainClass} with {@code args}) inside a new namespace
   * and returns its exit status: the same java, JVM options and class path, under a UTF-8 locale
   * whatever this JVM was started under (file names: {@link JvmLocale}).
   */
  public static int reexecJvm(
      HelperBinary helper, IdMapping mapping, String mainClass, List<String> args)
      throws IOException, InterruptedException {
    return enter(helper, mapping, jvmCommandLine(mainClass, args), JvmLocale::forStrataJvm);
  }

  /**
   * Runs this JVM's command line again for {@code rung}: through {@link #reexecJvm} into a user
   * namespace; or, for the chroot rung and for the userns rung as root with CAP_SYS_ADMIN ({@link
   * Isolation#userNamespaceNeeded}), without one, marked as inside with the identity mapping since
   * its ownership is already real, in a mount namespace of its own where the kernel allows one (the
   * helper's {@code enter --isolation chroot}), so that its overlay mounts stay private.
   */
  public static int reexecJvm(
      HelperBinary helper,
      Isolation.Rung rung,
      IdMapping mapping,
      String mainClass,
      List<String> args)
      throws IOException, InterruptedException {
    if (rung == Isolation.Rung.USERNS && userNamespaceNeeded(helper, mapping)) {
      return reexecJvm(helper, mapping, mainClass, args);
    }
    ProcessBuilder pb =
        new ProcessBuilder(asRootCommand(helper, jvmCommandLine(mainClass, args))).inheritIO();
    JvmLocale.forStrataJvm(pb.environment());
    pb.environment().put(ENV_INSIDE, Mode.IDENTITY.word());
    pb.environment().put(Isolation.ENV, rung.word);
    if (rung == Isolation.Rung.USERNS) {
      pb.environment().put(Isolation.ENV_NO_USER_NAMESPACE, "1");
    } else {
      pb.environment().remove(Isolation.ENV_NO_USER_NAMESPACE);
    }
    return ForegroundProcess.run(pb);
  }

  /** As root with the identity mapping, asks the probe; anyone else needs the user namespace. */
  private static boolean userNamespaceNeeded(HelperBinary helper, IdMapping mapping)
      throws IOException, InterruptedException {
    long uid = callerIds()[0];
    if (uid != 0 || mapping.mode() != Mode.IDENTITY) {
      return true;
    }
    Isolation.Probe outside = Isolation.probe(helper, Isolation.Rung.USERNS);
    return Isolation.userNamespaceNeeded(uid, mapping.mode(), outside);
  }

  /** The helper's argv to run {@code program} as real root without a user namespace. */
  static List<String> asRootCommand(HelperBinary helper, List<String> program) {
    List<String> cmd = new ArrayList<>();
    cmd.add(helper.path().toString());
    cmd.add(Job.ENTER.word);
    cmd.add(Option.PARENT_PID.flag);
    cmd.add(Long.toString(ProcessHandle.current().pid()));
    cmd.add(Option.ISOLATION.flag);
    cmd.add(NativeProtocol.ISOLATION_CHROOT);
    cmd.add(NativeProtocol.END_OF_OPTIONS);
    cmd.addAll(program);
    return cmd;
  }

  /**
   * This JVM's command line for {@code mainClass} with {@code args}: same java, options, class
   * path.
   */
  private static List<String> jvmCommandLine(String mainClass, List<String> args) {
    List<String> java = new ArrayList<>();
    java.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    java.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    java.add("-cp");
    java.add(System.getProperty("java.class.path"));
    java.add(mainClass);
    java.addAll(args);
    return java;
  }

  /** The caller's real uid and gid, from /proc/self/status (java.nio has no getuid). */
  public static long[] callerIds() throws IOException {
    long uid = -1;
    long gid = -1;
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("Uid:")) {
        uid = Long.parseLong(line.substring(4).trim().split("\\s+")[0]);
      } else if (line.startsWith("Gid:")) {
        gid = Long.parseLong(line.substring(4).trim().split("\\s+")[0]);
      }
    }
    if (uid < 0 || gid < 0) {
      throw new IOException("cannot read this process's uid and gid from /proc/self/status");
    }
    return new long[] {uid, gid};
  }

  private static String readIfPresent(Path p) throws IOException {
    return Files.isReadable(p) ? Files.readString(p) : null;
  }

  /** {@code name} on PATH, else in /usr/bin (PATH of a login-free environment may be short). */
  static Optional<Path> findTool(String name) {
    Map<String, String> env = System.getenv();
    String path = env.getOrDefault("PATH", "") + ":/usr/bin:/bin:/usr/sbin:/sbin";
    for (String dir : path.split(":")) {
      if (dir.isEmpty()) {
        continue;
      }
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
