package dev.strata.nshelper;

/**
 * The handshake with {@code strata-nshelper}, mirroring {@code native/src/main/c/protocol.h} (enum
 * nsh_status, enum nsh_option, NSH_JOB_*): a change there is a change here, in the same commit. The
 * helper takes {@code JOB [OPTION VALUE]... -- PROGRAM [ARG]...}, and the environment of "run"
 * through the file {@link Option#ENVIRON} names, never argv; it exits with PROGRAM's status, 128+N
 * when PROGRAM died of signal N, or a {@link Status} when it failed before PROGRAM ran (after one
 * line on stderr starting "strata-nshelper: ").
 */
public final class NativeProtocol {
  private NativeProtocol() {}

  /** The helper's jobs (protocol.h NSH_JOB_*). */
  public enum Job {
    /** Create a user + mount namespace, map ids, become uid 0, exec PROGRAM. */
    ENTER("enter"),
    /** Inside it: new mount/PID/IPC/UTS(/net) namespaces, rootfs, pivot_root, exec PROGRAM. */
    RUN("run"),
    /** Tries what RUN needs and prints one line of WORD=VALUE fields ({@link Isolation}). */
    PROBE("probe");

    public final String word;

    Job(String word) {
      this.word = word;
    }
  }

  /** protocol.h enum nsh_status; values follow podman's exit codes. */
  public enum Status {
    SETUP_FAILED(125),
    CANNOT_EXEC(126),
    NOT_FOUND(127);

    public final int code;

    Status(int code) {
      this.code = code;
    }
  }

  /** protocol.h enum nsh_option, in the same order; each takes one value. */
  public enum Option {
    PARENT_PID("--parent-pid"),
    UID_MAP("--uid-map"),
    GID_MAP("--gid-map"),
    NEWUIDMAP("--newuidmap"),
    NEWGIDMAP("--newgidmap"),
    ROOTFS("--rootfs"),
    USER("--user"),
    /** Created when missing, each directory made owned by USER (BuildKit's WORKDIR). */
    WORKDIR("--workdir"),
    /**
     * A file of KEY=VALUE entries each ended by NUL: the whole environment ({@link EnvironPipe}).
     */
    ENVIRON("--environ"),
    NETWORK("--network"),
    HOSTNAME("--hostname"),
    /** Begins an extra mount: a {@link MountKind} word; the MOUNT_* that follow apply to it. */
    MOUNT("--mount"),
    /** Bind: the absolute host path of the mount begun last. */
    MOUNT_SOURCE("--mount-source"),
    /** The absolute path inside the rootfs of the mount begun last (no ., .., // or trailing /). */
    MOUNT_TARGET("--mount-target"),
    /**
     * Repeatable: {@link #MOUNT_RO}, {@link #MOUNT_RW}, {@link #MOUNT_SIZE}N, {@link #MOUNT_MODE}N.
     */
    MOUNT_OPTION("--mount-option"),
    /** The capability set as hex (bit N: capability N): bounding, and effective for uid 0. */
    CAPS("--caps"),
    /** {@link #SECCOMP_DEFAULT} or {@link #SECCOMP_UNCONFINED}. */
    SECCOMP("--seccomp"),
    /** {@link #PROC_FRESH}, {@link #PROC_BIND} or {@link #PROC_NONE}. */
    PROC("--proc"),
    /**
     * {@link #ISOLATION_USERNS} or {@link #ISOLATION_CHROOT}; for ENTER, chroot means real root
     * without a user namespace (only a mount namespace where allowed, no maps).
     */
    ISOLATION("--isolation");

    public final String flag;

    Option(String flag) {
      this.flag = flag;
    }
  }

  /** protocol.h NSH_MOUNT_BIND, NSH_MOUNT_TMPFS: the values of {@link Option#MOUNT}. */
  public enum MountKind {
    BIND("bind"),
    TMPFS("tmpfs");

    public final String word;

    MountKind(String word) {
      this.word = word;
    }
  }

  /** protocol.h NSH_MOUNT_RO: {@link Option#MOUNT_OPTION} for a read-only mount. */
  public static final String MOUNT_RO = "ro";

  /** protocol.h NSH_MOUNT_RW: the default. */
  public static final String MOUNT_RW = "rw";

  /** protocol.h NSH_MOUNT_SIZE, followed by decimal bytes (tmpfs only). */
  public static final String MOUNT_SIZE = "size=";

  /** protocol.h NSH_MOUNT_MODE, followed by the octal mode of the tmpfs root (default 1777). */
  public static final String MOUNT_MODE = "mode=";

  /**
   * protocol.h NSH_DOCKER_CAPS: Docker's default capability set, the default of {@link
   * Option#CAPS}.
   */
  public static final long DOCKER_CAPS = 0xa80425fbL;

  /** protocol.h NSH_SECCOMP_DEFAULT: podman's default profile. */
  public static final String SECCOMP_DEFAULT = "default";

  /** protocol.h NSH_SECCOMP_UNCONFINED: no seccomp filter. */
  public static final String SECCOMP_UNCONFINED = "unconfined";

  /** protocol.h NSH_PROC_*: the values of {@link Option#PROC}. */
  public static final String PROC_FRESH = "fresh";

  public static final String PROC_BIND = "bind";

  public static final String PROC_NONE = "none";

  /** protocol.h NSH_ISOLATION_*: the values of {@link Option#ISOLATION}. */
  public static final String ISOLATION_USERNS = "userns";

  public static final String ISOLATION_CHROOT = "chroot";

  /** Separates the options from PROGRAM. */
  public static final String END_OF_OPTIONS = "--";
}
