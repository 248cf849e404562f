package dev.strata.nshelper;

import dev.strata.nshelper.IdMapping.Mode;
import dev.strata.nshelper.NativeProtocol.Job;
import dev.strata.nshelper.NativeProtocol.Option;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The isolation ladder (issue 19): how a build's RUN steps are sandboxed, chosen once per build
 * from what the helper's {@code probe} job finds, and said in the progress output and {@code
 * --stats-json}, never silently weaker.
 *
 * <ol>
 *   <li>{@link Rung#USERNS}: Strata's user namespace (today's), with a single-id mapping when
 *       newuidmap is missing or fails, the caller's /proc bound when a fresh procfs is refused
 *       (inside a container whose /proc has masked submounts, as rootless podman does), and no
 *       hostname when sethostname is refused. As root with CAP_SYS_ADMIN (a privileged container,
 *       {@code --cap-add SYS_ADMIN}, root on a host) and the identity mapping it needs no user
 *       namespace at all ({@link #userNamespaceNeeded}): the same mount, PID, IPC and UTS
 *       namespaces are made directly, as buildah skips its user namespace then and runc runs root's
 *       containers.
 *   <li>{@link Rung#CHROOT}: root where no user namespace can be made (Docker's default seccomp
 *       profile, most Kubernetes pods): real ownership, each RUN chroot(2)ed into its rootfs with
 *       the namespaces the kernel allows; the container is the boundary, as with kaniko and
 *       buildah's chroot isolation.
 *   <li>Otherwise one error naming what is missing and the knob that fixes it.
 * </ol>
 *
 * @param rung the rung chosen
 * @param namespaces the namespaces besides the user namespace each RUN gets (mount, pid, ipc, uts)
 * @param proc how /proc is provided: {@link NativeProtocol#PROC_FRESH}, {@code _BIND} or {@code
 *     _NONE}
 * @param hostname whether a step's hostname can be set
 * @param mapping the id mapping mode of the user namespace (identity for chroot)
 * @param userNamespace whether a user namespace was made (not for chroot, nor for userns as root
 *     with CAP_SYS_ADMIN)
 * @param capabilityBound the capabilities a step can be given (bit N: capability N): this process's
 *     bounding set, all of them in a user namespace of Strata's, the container's without
 */
public record Isolation(
    Rung rung,
    List<String> namespaces,
    String proc,
    boolean hostname,
    Mode mapping,
    boolean userNamespace,
    long capabilityBound) {

  /** Set for the JVM that runs the build to the rung chosen outside ({@link Rung#word}). */
  public static final String ENV = "STRATA_ISOLATION";

  /** Set (to "1") for the JVM of the userns rung that runs as root without a user namespace. */
  public static final String ENV_NO_USER_NAMESPACE = "STRATA_NO_USER_NAMESPACE";

  /**
   * Docker's default capabilities (NativeProtocol.DOCKER_CAPS) by bit, to say which are missing.
   */
  private static final Map<Integer, String> DOCKER_CAP_NAMES =
      Map.ofEntries(
          Map.entry(0, "CHOWN"),
          Map.entry(1, "DAC_OVERRIDE"),
          Map.entry(3, "FOWNER"),
          Map.entry(4, "FSETID"),
          Map.entry(5, "KILL"),
          Map.entry(6, "SETGID"),
          Map.entry(7, "SETUID"),
          Map.entry(8, "SETPCAP"),
          Map.entry(10, "NET_BIND_SERVICE"),
          Map.entry(13, "NET_RAW"),
          Map.entry(18, "SYS_CHROOT"),
          Map.entry(27, "MKNOD"),
          Map.entry(29, "AUDIT_WRITE"),
          Map.entry(31, "SETFCAP"));

  /** What rung 1 needs besides the user namespace: every one of these. */
  private static final List<String> ALL_NAMESPACES = List.of("mount", "pid", "ipc", "uts");

  /** A rung of the ladder. */
  public enum Rung {
    USERNS(NativeProtocol.ISOLATION_USERNS),
    CHROOT(NativeProtocol.ISOLATION_CHROOT);

    public final String word;

    Rung(String word) {
      this.word = word;
    }
  }

  /** What {@code strata-nshelper probe} printed: its fields by name. */
  public record Probe(Map<String, String> fields) {
    /** Parses the probe's line (protocol.h). */
    public static Probe parse(String line) {
      Map<String, String> f = new HashMap<>();
      for (String w : line.strip().split(" ")) {
        int eq = w.indexOf('=');
        if (eq > 0) {
          f.put(w.substring(0, eq), w.substring(eq + 1));
        }
      }
      return new Probe(f);
    }

    public boolean userns() {
      return "yes".equals(fields.get("userns"));
    }

    public List<String> namespaces() {
      String v = fields.getOrDefault("namespaces", "");
      return v.isEmpty() ? List.of() : List.of(v.split(","));
    }

    public String proc() {
      return fields.getOrDefault("proc", NativeProtocol.PROC_NONE);
    }

    public boolean hostname() {
      return "yes".equals(fields.get("hostname"));
    }
  }

  /** Runs the helper's probe (for {@code rung}'s run) and parses its line. */
  public static Probe probe(HelperBinary helper, Rung rung)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(helper.path().toString());
    cmd.add(Job.PROBE.word);
    cmd.add(Option.ISOLATION.flag);
    cmd.add(rung.word);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().clear();
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException("strata-nshelper probe failed (status " + p.exitValue() + ")");
    }
    return Probe.parse(out);
  }

  /**
   * The rung for {@code request} (empty: auto) given the probe made outside any namespace: userns
   * when a user namespace can be made, else chroot as root, else the error of rung 3.
   */
  public static Rung choose(Optional<Rung> request, long uid, Probe outside) {
    Rung r = request.orElse(outside.userns() ? Rung.USERNS : uid == 0 ? Rung.CHROOT : null);
    if (r == Rung.USERNS && !outside.userns()) {
      throw new IllegalArgumentException(
          "--isolation userns: cannot create a user namespace here; "
              + knobs(uid)
              + (uid == 0
                  ? "; or use --isolation chroot (root, the container as the boundary)"
                  : ""));
    }
    if (r == Rung.CHROOT && uid != 0) {
      throw new IllegalArgumentException(
          "--isolation chroot needs root (real ownership, chroot(2)); this is uid "
              + uid
              + (outside.userns() ? "; use --isolation userns" : "; " + knobs(uid)));
    }
    if (r == null) {
      throw new IllegalArgumentException(
          "no isolation works here: no user namespace can be made (userns) and this is not root"
              + " (chroot); "
              + knobs(uid));
    }
    return r;
  }

  /**
   * Whether the userns rung needs its user namespace, given the probe made outside any: not as root
   * (uid 0) with the identity mapping when that root could make every namespace and a /proc itself,
   * i.e. holds CAP_SYS_ADMIN where seccomp allows unshare; buildah's maybeReexecUsingUserNamespace
   * skips it for root with CAP_SYS_ADMIN likewise. A request for another mapping (--id-mapping
   * subids|single, STRATA_ROOTLESS=1) keeps the user namespace.
   */
  public static boolean userNamespaceNeeded(long uid, Mode mapping, Probe outside) {
    return uid != 0
        || mapping != Mode.IDENTITY
        || !outside.namespaces().containsAll(ALL_NAMESPACES)
        || NativeProtocol.PROC_NONE.equals(outside.proc());
  }

  /** What refuses a user namespace, and the knob for each place it is set. */
  static String knobs(long uid) {
    return "allow user namespaces: sysctl kernel.unprivileged_userns_clone=1 and"
        + " user.max_user_namespaces>0 on the host; in a container a seccomp profile that allows"
        + " unshare (docker/podman --security-opt seccomp=unconfined; Docker's default profile"
        + " refuses it), or Kubernetes hostUsers: false"
        + (uid == 0 ? "" : ", or run as root in the container for the chroot isolation");
  }

  /** Where the JVM runs the build: the rung chosen outside, then the probe made in it. */
  public static Isolation forThisProcess(HelperBinary helper)
      throws IOException, InterruptedException {
    String env = System.getenv(ENV);
    Rung rung = NativeProtocol.ISOLATION_CHROOT.equals(env) ? Rung.CHROOT : Rung.USERNS;
    Probe p = probe(helper, rung);
    boolean userns = rung == Rung.USERNS && !"1".equals(System.getenv(ENV_NO_USER_NAMESPACE));
    return new Isolation(
        rung,
        p.namespaces(),
        p.proc(),
        p.hostname(),
        UserNamespace.current().orElse(Mode.IDENTITY),
        userns,
        boundingSet());
  }

  /**
   * This process's capability bounding set (/proc/self/status CapBnd), which the helper's "run"
   * inherits: as real root in a container, only what the container was granted (podman's defaults
   * lack Docker's MKNOD, NET_RAW and AUDIT_WRITE), and capset(2) cannot hand on more.
   */
  static long boundingSet() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("CapBnd:")) {
        return Long.parseUnsignedLong(line.substring(7).trim(), 16);
      }
    }
    throw new IOException("no CapBnd line in /proc/self/status");
  }

  /**
   * The progress line's words, e.g. {@code userns (single-id mapping; /proc bound from the host)}.
   */
  public String describe() {
    return describe(List.of());
  }

  /** As {@link #describe()}, with {@code more} notes (of the store, say) at the end. */
  public String describe(List<String> more) {
    List<String> notes = new ArrayList<>();
    if (rung == Rung.USERNS && !userNamespace) {
      notes.add("root with CAP_SYS_ADMIN: no user namespace needed");
    } else if (rung == Rung.USERNS) {
      notes.add(
          switch (mapping) {
            case SINGLE -> "single-id mapping";
            case SUBIDS -> "subordinate ids";
            case IDENTITY -> "identity mapping";
          });
    } else {
      notes.add("no user namespace; the container is the boundary");
      List<String> missing = new ArrayList<>(List.of("mount", "pid", "ipc", "uts"));
      missing.removeAll(namespaces);
      if (!missing.isEmpty()) {
        notes.add(
            "no " + String.join(", ", missing) + " namespace" + (missing.size() > 1 ? "s" : ""));
      }
      if (!namespaces.contains("mount")) {
        notes.add("/dev nodes made by mknod");
      }
    }
    List<String> lacking = new ArrayList<>();
    for (int bit = 0; bit < 64; bit++) {
      if ((NativeProtocol.DOCKER_CAPS & ~capabilityBound & (1L << bit)) != 0) {
        lacking.add("CAP_" + DOCKER_CAP_NAMES.get(bit));
      }
    }
    if (!lacking.isEmpty()) {
      notes.add("the container lacks " + String.join(", ", lacking));
    }
    switch (proc) {
      case NativeProtocol.PROC_BIND -> notes.add("/proc bound from the host");
      case NativeProtocol.PROC_NONE -> notes.add("no /proc");
      default -> {}
    }
    if (!hostname) {
      notes.add("hostname not set");
    }
    notes.addAll(more);
    return rung.word + " (" + String.join("; ", notes) + ")";
  }
}
