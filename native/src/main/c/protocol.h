/*
 * protocol.h: the handshake between Strata's JVM and strata-nshelper.
 *
 * Mirrored by dev.strata.nshelper.NativeProtocol
 * (native/src/main/java/dev/strata/nshelper/NativeProtocol.java): a change
 * here is a change there, in the same commit.
 *
 * Invocation (argv only; no other channel, so a failed call is easy to
 * reproduce from a shell):
 *
 *   strata-nshelper JOB [OPTION VALUE]... -- PROGRAM [ARG]...
 *
 * JOB "enter": create a user + mount namespace, map ids, become uid 0 in it
 *   and exec PROGRAM (the JVM again, or the command of `strata unshare`).
 * JOB "run": inside that namespace, create mount, PID, IPC, UTS (and for
 *   --network none, network) namespaces, set up the rootfs, pivot_root into
 *   it and run PROGRAM as USER in WORKDIR with exactly the given ENV.
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
	NSH_OPT_WORKDIR,    /* run: absolute directory, created when missing */
	NSH_OPT_ENV,        /* run: KEY=VALUE, repeatable; the whole environment */
	NSH_OPT_NETWORK,    /* run: "host" (default) or "none" */
	NSH_OPT_HOSTNAME,   /* run: hostname in the new UTS namespace */
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
	[NSH_OPT_ENV] = "--env",
	[NSH_OPT_NETWORK] = "--network",
	[NSH_OPT_HOSTNAME] = "--hostname",
};

#define NSH_JOB_ENTER "enter"
#define NSH_JOB_RUN "run"

#endif
