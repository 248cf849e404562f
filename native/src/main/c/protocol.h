/*
 * protocol.h: the handshake between Strata's JVM and strata-nshelper.
 *
 * Mirrored by dev.strata.nshelper.NativeProtocol
 * (native/src/main/java/dev/strata/nshelper/NativeProtocol.java): a change
 * here is a change there, in the same commit.
 *
 * Invocation (argv, and for "run" the file --environ names; a failed call
 * is easy to reproduce from a shell):
 *
 *   strata-nshelper JOB [OPTION VALUE]... -- PROGRAM [ARG]...
 *
 * JOB "enter": create a user + mount namespace, map ids, become uid 0 in it
 *   and exec PROGRAM (the JVM again, or the command of `strata unshare`).
 *   With --isolation chroot (real root only, no maps): no user namespace,
 *   only a mount namespace where the kernel allows one, / a slave; for root
 *   with CAP_SYS_ADMIN, which needs no user namespace, and the chroot rung.
 * JOB "probe": tries, in throw-away children, what "run" will need
 *   (--isolation as for run) and prints one line of WORD=VALUE fields:
 *   "userns=yes|no namespaces=mount,pid,ipc,uts proc=fresh|bind|none
 *   hostname=yes|no"; the caller chooses once per build from it.
 * JOB "run": inside that namespace, create mount, PID, IPC, UTS (and for
 *   --network none, network) namespaces, set up the rootfs, pivot_root into
 *   it and run PROGRAM as USER in WORKDIR with exactly the environment of
 *   --environ, the capabilities of --caps and the seccomp profile of --seccomp.
 *
 * Nothing of the caller's environment reaches a process in the sandbox: "run"
 * re-executes itself with an empty environment first when it has one, so
 * even the sandbox's PID 1 (a fork of the helper) has none (/proc/1/environ).
 * The environment's values are never on a command line (/proc/PID/cmdline is
 * world-readable): --environ names a file in /proc/PID/environ's form,
 * KEY=VALUE entries each ended by a NUL byte (none: an empty environment);
 * Strata passes a FIFO in a private directory that a thread of the JVM
 * writes (dev.strata.nshelper.EnvironPipe); a shell can pass any file. A
 * malformed file (an entry without '=' or with an empty KEY, a last entry
 * without its NUL, more than 4096 entries or 16 MiB) fails the call before
 * any namespace exists, naming the entry by number, never by its text.
 *
 * --caps HEX is the bounding set, and the effective and permitted sets of a
 * uid 0 PROGRAM (another USER gets empty ones, as in docker); bits of
 * capabilities this kernel lacks are ignored, so ffffffffffffffff is "all".
 * Default: NSH_DOCKER_CAPS. Inheritable and ambient sets are always empty.
 * --seccomp default loads podman's default profile (seccomp_profile.c),
 * judged against --caps as podman does; "unconfined" loads none.
 *
 * Extra mounts of "run" (RUN --mount, `strata run -v/--tmpfs`) are option
 * groups, one argv element per field, so any path (with commas, colons,
 * spaces, newlines) passes unparsed:
 *
 *   --mount bind|tmpfs     begins a mount; the --mount-* that follow apply to it
 *   --mount-source PATH    bind: the host file or directory (absolute; required)
 *   --mount-target PATH    the absolute path inside the rootfs (required;
 *                          no ".", "..", "//" or trailing "/"; not "/")
 *   --mount-option OPT     repeatable: "ro" or "rw" (default); tmpfs also
 *                          "size=BYTES" and "mode=OCTAL" (default 1777)
 *
 *   e.g. --mount bind --mount-source /home/u/go --mount-target /root/go
 *        --mount tmpfs --mount-target /tmp --mount-option size=1048576
 *
 * They are mounted in the given order after /proc, /dev and resolv.conf, so
 * a later one may lie inside an earlier one. Targets are resolved inside the
 * rootfs (symlinks too); missing ones and their missing parents are created
 * (a directory, or an empty file for a bind of a file) and removed after
 * PROGRAM exits (or setup fails), so none reaches a layer. A read-only bind
 * is read-only at its top mount only (MS_REMOUNT), not below the source.
 *
 * Exit status: PROGRAM's own; 128+N when it died of signal N (as a shell
 * reports it); or one of enum nsh_status when the helper failed before
 * PROGRAM ran, with one message on stderr starting "strata-nshelper: ".
 * The values follow podman's (125 runtime error, 126 cannot invoke, 127 not
 * found), which DESIGN.md reserves for the sandboxed command's failures.
 */
#ifndef STRATA_NSHELPER_PROTOCOL_H
#define STRATA_NSHELPER_PROTOCOL_H

enum nsh_status {
	NSH_SETUP_FAILED = 125, /* namespaces, ids, mounts or options */
	NSH_CANNOT_EXEC = 126,  /* PROGRAM found but not executable */
	NSH_NOT_FOUND = 127,    /* PROGRAM not found */
};

enum nsh_option {
	NSH_OPT_PARENT_PID, /* both: exit unless PID is still our parent; then die with it */
	NSH_OPT_UID_MAP,    /* enter: INSIDE:OUTSIDE:COUNT, repeatable */
	NSH_OPT_GID_MAP,    /* enter: INSIDE:OUTSIDE:COUNT, repeatable */
	NSH_OPT_NEWUIDMAP,  /* enter: path of newuidmap; with NEWGIDMAP, maps are set through them */
	NSH_OPT_NEWGIDMAP,  /* enter: path of newgidmap */
	NSH_OPT_ROOTFS,     /* run: the rootfs directory (required) */
	NSH_OPT_USER,       /* run: USER as in a Dockerfile: name|uid[:group|gid] */
	NSH_OPT_WORKDIR,    /* run: absolute directory, created when missing, owned by USER */
	NSH_OPT_ENVIRON,    /* run: file of NUL-ended KEY=VALUE entries; the whole environment */
	NSH_OPT_NETWORK,    /* run: "host" (default) or "none" */
	NSH_OPT_HOSTNAME,   /* run: hostname in the new UTS namespace */
	NSH_OPT_MOUNT,        /* run: begins an extra mount: NSH_MOUNT_BIND or NSH_MOUNT_TMPFS, repeatable */
	NSH_OPT_MOUNT_SOURCE, /* run: bind: absolute host path of the mount begun last */
	NSH_OPT_MOUNT_TARGET, /* run: absolute path in the rootfs of the mount begun last */
	NSH_OPT_MOUNT_OPTION, /* run: NSH_MOUNT_RO, NSH_MOUNT_RW, NSH_MOUNT_SIZE N, NSH_MOUNT_MODE N; repeatable */
	NSH_OPT_CAPS,         /* run: capability set as hex (bit N: capability N); default NSH_DOCKER_CAPS */
	NSH_OPT_SECCOMP,      /* run: NSH_SECCOMP_DEFAULT (default) or NSH_SECCOMP_UNCONFINED */
	NSH_OPT_PROC,         /* run: NSH_PROC_FRESH (default), NSH_PROC_BIND or NSH_PROC_NONE */
	NSH_OPT_ISOLATION,    /* run, probe, enter: NSH_ISOLATION_USERNS (default) or NSH_ISOLATION_CHROOT */
	NSH_OPT_COUNT
};

static const char *const nsh_option_names[NSH_OPT_COUNT] = {
	[NSH_OPT_PARENT_PID] = "--parent-pid",
	[NSH_OPT_UID_MAP] = "--uid-map",
	[NSH_OPT_GID_MAP] = "--gid-map",
	[NSH_OPT_NEWUIDMAP] = "--newuidmap",
	[NSH_OPT_NEWGIDMAP] = "--newgidmap",
	[NSH_OPT_ROOTFS] = "--rootfs",
	[NSH_OPT_USER] = "--user",
	[NSH_OPT_WORKDIR] = "--workdir",
	[NSH_OPT_ENVIRON] = "--environ",
	[NSH_OPT_NETWORK] = "--network",
	[NSH_OPT_HOSTNAME] = "--hostname",
	[NSH_OPT_MOUNT] = "--mount",
	[NSH_OPT_MOUNT_SOURCE] = "--mount-source",
	[NSH_OPT_MOUNT_TARGET] = "--mount-target",
	[NSH_OPT_MOUNT_OPTION] = "--mount-option",
	[NSH_OPT_CAPS] = "--caps",
	[NSH_OPT_SECCOMP] = "--seccomp",
	[NSH_OPT_PROC] = "--proc",
	[NSH_OPT_ISOLATION] = "--isolation",
};

#define NSH_JOB_ENTER "enter"
#define NSH_JOB_RUN "run"
#define NSH_JOB_PROBE "probe"

/*
 * Values of --proc: a fresh procfs of the new PID namespace; the caller's
 * /proc bound recursively (where the kernel refuses a fresh one, as inside
 * a container whose /proc has masked submounts: rootless podman and buildah's
 * chroot isolation do the same); or none (no mounts allowed at all).
 */
#define NSH_PROC_FRESH "fresh"
#define NSH_PROC_BIND "bind"
#define NSH_PROC_NONE "none"

/*
 * Values of --isolation. "userns": "run" is called inside "enter"'s user
 * namespace and needs every namespace it asks for. "chroot": called as real
 * root with no user namespace (Docker's default seccomp, most Kubernetes
 * pods); each of the mount, PID, IPC and UTS namespaces is made where the
 * kernel allows it, and without a mount namespace the command is chroot(2)ed
 * into the rootfs with no mounts (buildah's chroot isolation does likewise).
 * For "enter", "chroot" means real root without a user namespace (above).
 * "run --isolation userns" also serves real root with CAP_SYS_ADMIN, outside
 * any user namespace: it needs every namespace, which such root can make.
 */
#define NSH_ISOLATION_USERNS "userns"
#define NSH_ISOLATION_CHROOT "chroot"

/* Values of --mount and --mount-option. */
#define NSH_MOUNT_BIND "bind"
#define NSH_MOUNT_TMPFS "tmpfs"
#define NSH_MOUNT_RO "ro"
#define NSH_MOUNT_RW "rw"
#define NSH_MOUNT_SIZE "size=" /* tmpfs: decimal bytes */
#define NSH_MOUNT_MODE "mode=" /* tmpfs: octal mode of its root */

/*
 * Docker's default capability set (moby oci/caps/defaults.go), the default
 * of --caps: CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, SETGID, SETUID,
 * SETPCAP, NET_BIND_SERVICE, NET_RAW, SYS_CHROOT, MKNOD, AUDIT_WRITE, SETFCAP.
 */
#define NSH_DOCKER_CAPS 0xa80425fbULL

/* Values of --seccomp. */
#define NSH_SECCOMP_DEFAULT "default"
#define NSH_SECCOMP_UNCONFINED "unconfined"

#endif
