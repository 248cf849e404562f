package dev.strata.rootless;

import dev.strata.nshelper.ForegroundProcess;
import dev.strata.nshelper.HelperBinary;
import dev.strata.nshelper.Home;
import dev.strata.nshelper.IdMapping;
import dev.strata.nshelper.Isolation;
import dev.strata.nshelper.JvmLocale;
import dev.strata.nshelper.UserNamespace;
import dev.strata.sandbox.SandboxRunner;
import dev.strata.store.PrivateDirs;
import dev.strata.store.Store;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Strata's user namespace (DESIGN.md "Rootless model") for the command line, which names no native
 * type: the helper extracted into a store's {@code nshelper/}, entering the namespace by running
 * the JVM again inside it, and the isolation rung RUN steps get there. Words of the command line
 * ({@code --isolation auto|userns|chroot}, {@code --id-mapping auto|identity|subids|single}) are
 * taken as they are and checked here.
 */
public final class Namespace {
  private final Path storeRoot;

  private Namespace(Path storeRoot) {
    this.storeRoot = storeRoot;
  }

  /**
   * The namespace of the store at {@code storeRoot} (null: the default store), whose helper lives
   * in its {@code nshelper/}; nothing is written until the helper is needed.
   */
  public static Namespace forStore(Path storeRoot) {
    return new Namespace(storeRoot);
  }

  /**
   * {@code nshelper/} in the store (made 0700, and the store with it on its first use), else in the
   * default store, or where STRATA_HELPER_DIR says; the helper extracted into it.
   */
  private HelperBinary helper() throws IOException {
    Path dir =
        storeRoot != null && System.getenv("STRATA_HELPER_DIR") == null
            ? PrivateDirs.create(storeRoot.toAbsolutePath().resolve("nshelper"))
            : PrivateDirs.create(HelperBinary.defaultDirectory());
    return HelperBinary.in(dir);
  }

  /** Whether this process runs inside Strata's user namespace. */
  public static boolean inside() {
    return UserNamespace.inside();
  }

  /** Whether the caller is root (who may delete any file, also where no namespace is made). */
  public static boolean callerIsRoot() throws IOException {
    return UserNamespace.callerIds()[0] == 0;
  }

  /** The caller's home directory, as the helper and the JVM inside agree on it. */
  public static Path callerHome() {
    return Path.of(Home.dir());
  }

  /**
   * Checks an {@code --isolation} word (auto, userns or chroot); an unknown one is an
   * IllegalArgumentException naming the choices.
   */
  public static void checkIsolation(String word) {
    isolationRequest(word);
  }

  /**
   * Runs this JVM's command line ({@code mainClass} with {@code argv}) again inside the namespace
   * with the automatic id mapping, and returns its exit status.
   */
  public int reexec(String mainClass, List<String> argv) throws IOException, InterruptedException {
    return UserNamespace.reexecJvm(
        helper(), UserNamespace.mappingFor(idMappingRequest("auto")), mainClass, argv);
  }

  /**
   * As {@link #reexec(String, List)}, for the isolation rung {@code --isolation} asks (probed here,
   * outside any namespace) and the {@code --id-mapping} asked.
   */
  public int reexec(String isolation, String idMapping, String mainClass, List<String> argv)
      throws IOException, InterruptedException {
    HelperBinary helper = helper();
    Isolation.Rung rung =
        Isolation.choose(
            isolationRequest(isolation),
            UserNamespace.callerIds()[0],
            Isolation.probe(helper, Isolation.Rung.USERNS));
    IdMapping mapping = UserNamespace.mappingFor(idMappingRequest(idMapping));
    return UserNamespace.reexecJvm(helper, rung, mapping, mainClass, argv);
  }

  /** The sandbox of RUN steps, inside the namespace, with the isolation this process has. */
  public Sandbox sandbox() throws IOException, InterruptedException {
    HelperBinary helper = helper();
    Isolation iso = Isolation.forThisProcess(helper);
    return new Sandbox(new SandboxRunner(helper, Optional.of(iso)), iso.describe(storeNotes(iso)));
  }

  /**
   * Without a mount namespace the chroot rung makes /dev/null and its kin with mknod in the stage
   * rootfs, inside the store; on a nodev mount they exist but cannot be opened (EACCES in the
   * step), so the progress line says so once, naming the store and the fix.
   */
  private List<String> storeNotes(Isolation iso) throws IOException {
    if (iso.rung() != Isolation.Rung.CHROOT || iso.namespaces().contains("mount")) {
      return List.of();
    }
    Path store = storeRoot != null ? storeRoot : Store.defaultRoot();
    if (!Files.isDirectory(store)) {
      return List.of();
    }
    boolean nodev = MountOptions.of(store).map(o -> o.contains("nodev")).orElse(false);
    return nodev
        ? List.of(
            "/dev nodes unusable: the store "
                + store.toAbsolutePath()
                + " is on a nodev mount; give the store a volume mounted without nodev"
                + " (strata --root DIR)")
        : List.of();
  }

  /** A sandbox runner and the isolation it gives, in words ("userns (subids), ..."). */
  public record Sandbox(SandboxRunner runner, String isolation) {}

  /**
   * {@code strata unshare}: runs {@code program} as uid 0 in the namespace (through the helper, no
   * second JVM), or directly where no namespace is needed: inside one already, or as root with the
   * identity mapping, which {@code err} says.
   */
  public int unshare(List<String> program, String idMapping, PrintStream err)
      throws IOException, InterruptedException {
    if (UserNamespace.inside()) {
      return runDirectly(program);
    }
    IdMapping mapping = UserNamespace.mappingFor(idMappingRequest(idMapping));
    if (mapping.mode() == IdMapping.Mode.IDENTITY) { // only root gets it (IdMappingPolicy)
      err.println(
          "strata unshare: as root no user namespace is needed (the store's files"
              + " carry real ids): running "
              + program.get(0)
              + " directly");
      return runDirectly(program);
    }
    return UserNamespace.enter(helper(), mapping, program);
  }

  private static int runDirectly(List<String> program) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(program).inheritIO();
    JvmLocale.forCallerCommand(pb.environment());
    return ForegroundProcess.run(pb);
  }

  /** The --id-mapping word as a request; auto is none. */
  private static Optional<IdMapping.Mode> idMappingRequest(String word) {
    return word == null || word.equals("auto")
        ? Optional.empty()
        : Optional.of(IdMapping.Mode.parse(word));
  }

  private static Optional<Isolation.Rung> isolationRequest(String word) {
    return switch (word) {
      case "auto" -> Optional.empty();
      case "userns" -> Optional.of(Isolation.Rung.USERNS);
      case "chroot" -> Optional.of(Isolation.Rung.CHROOT);
      default ->
          throw new IllegalArgumentException(
              "--isolation " + word + ": expected auto, userns or chroot");
    };
  }
}
