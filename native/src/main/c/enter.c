/*
 * enter.c: the "enter" job. Creates a user + mount namespace, maps ids,
 * becomes uid 0 in it and execs PROGRAM (DESIGN.md "Rootless model", step 1).
 *
 * Mapping, as podman and buildah do it:
 *  - with subordinate ranges, newuidmap/newgidmap (setuid root) write the
 *    maps; they must run outside the namespace, so a child forked before
 *    unshare() runs them against our pid (util-linux unshare --map-auto does
 *    the same);
 *  - otherwise we write /proc/self/{uid,gid}_map ourselves, which an
 *    unprivileged process may do only for its own id, after denying
 *    setgroups(2) (user_namespaces(7));
 *  - as real root, the maps Java passes are the identity range; the same
 *    child writes them, since after unshare() we no longer hold CAP_SETUID
 *    in the parent namespace, which mapping more than our own id needs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nshelper.h"
#include "protocol.h"

static void format_maps(char *buf, size_t size, const struct idmap *maps, int n)
{
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		int w = snprintf(buf + used, size - used, "%lu %lu %lu\n", maps[i].inside, maps[i].outside,
				 maps[i].count);

		if (w < 0 || (size_t)w >= size - used) /* a cut map would map other ids */
			die("id maps: more than %zu bytes", size - 1);
		used += (size_t)w;
	}
}

/* The mapper's exit status when newuidmap failed before any map was written: map a single id. */
#define MAPPER_FALL_BACK 3

/* Runs TOOL PID INSIDE OUTSIDE COUNT...; returns its exit status (0: it succeeded). */
static int run_map_tool(const char *tool, pid_t pid, const struct idmap *maps, int n)
{
	char numbers[3 * MAX_MAPS + 1][24];
	char *args[3 * MAX_MAPS + 3];
	int i, status, argc = 0;
	pid_t child;

	args[argc++] = (char *)tool;
	snprintf(numbers[0], sizeof(numbers[0]), "%d", (int)pid);
	args[argc++] = numbers[0];
	for (i = 0; i < n; i++) {
		snprintf(numbers[1 + 3 * i], 24, "%lu", maps[i].inside);
		snprintf(numbers[2 + 3 * i], 24, "%lu", maps[i].outside);
		snprintf(numbers[3 + 3 * i], 24, "%lu", maps[i].count);
		args[argc++] = numbers[1 + 3 * i];
		args[argc++] = numbers[2 + 3 * i];
		args[argc++] = numbers[3 + 3 * i];
	}
	args[argc] = NULL;

	child = fork();
	if (child < 0)
		bail("fork for %s", tool);
	if (child == 0) {
		execv(tool, args);
		fprintf(stderr, "strata-nshelper: cannot execute %s: %s\n", tool, strerror(errno));
		_exit(127);
	}
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			bail("wait for %s", tool);
	return exit_code(status);
}

/*
 * newgidmap failed after newuidmap wrote uid_map, which cannot be written
 * twice: nothing to fall back to.
 */
static void map_tool_failed(const char *tool, int status)
{
	die("%s failed (status %d); check this user's ranges in /etc/subuid and /etc/subgid; inside a "
	    "container, newuidmap needs file capabilities (setcap cap_setuid+ep) rather than setuid, or "
	    "set STRATA_ID_MAPPING=single to map only your own id",
	    tool, status);
}

/*
 * newuidmap failed (no ranges for this user in a container, or a setuid
 * newuidmap that runs as uid 0 outside a container's SYS_ADMIN): map only
 * our own id, as rootless podman does without ranges, and say so once.
 * The program learns it from STRATA_NAMESPACE=single.
 */
static void map_single_id(const char *tool, uid_t uid, gid_t gid)
{
	char map[64];

	fprintf(stderr, "strata-nshelper: warning: %s failed; falling back to a single-id mapping (only uid 0 "
			"inside; USER and chown to other ids fail)\n",
		tool);
	write_file("/proc/self/setgroups", "deny");
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
	write_file("/proc/self/uid_map", map);
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
	write_file("/proc/self/gid_map", map);
	setenv("STRATA_NAMESPACE", "single", 1);
}

/* A sysctl's number; -1 when absent or not a number (never 0, which would be a finding). */
static long sysctl_value(const char *path)
{
	char value[64], *end;
	long n;

	if (read_small_file(path, value, sizeof(value)) < 0)
		return -1;
	errno = 0;
	n = strtol(value, &end, 10);
	if (end == value || errno || (*end && *end != '\n'))
		return -1;
	return n;
}

/* Says why a user namespace could not be created, and what to do about it. */
static void explain_userns_failure(void)
{
	int err = errno, known = 0;

	fprintf(stderr, "strata-nshelper: cannot create a user namespace: %s\n", strerror(err));
	fprintf(stderr, "Strata runs rootless inside a user namespace, and this system does not allow one:\n");
	if (sysctl_value("/proc/sys/user/max_user_namespaces") == 0) {
		fprintf(stderr, "  user.max_user_namespaces is 0; as root: sysctl -w user.max_user_namespaces=15000\n");
		known = 1;
	} else if (err == ENOSPC) {
		fprintf(stderr, "  the limit of user namespaces (user.max_user_namespaces) is reached; raise it\n");
		known = 1;
	}
	if (sysctl_value("/proc/sys/kernel/unprivileged_userns_clone") == 0) {
		fprintf(stderr, "  kernel.unprivileged_userns_clone is 0 (Debian/Arch kernels); as root: "
				"sysctl -w kernel.unprivileged_userns_clone=1\n");
		known = 1;
	}
	if (sysctl_value("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == 1) {
		fprintf(stderr, "  AppArmor restricts unprivileged user namespaces (Ubuntu 23.10 and later); as root: "
				"sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, or give java an AppArmor "
				"profile with 'userns,'\n");
		known = 1;
	}
	if (!known && (access("/.dockerenv", F_OK) == 0 || access("/run/.containerenv", F_OK) == 0))
		fprintf(stderr, "  this is a container, whose seccomp profile blocks unshare(2); start it with "
				"--security-opt seccomp=unconfined (docker, podman) or --privileged\n");
	else if (!known)
		fprintf(stderr, "  no known switch is off; a seccomp filter or LSM policy may deny unshare(2)\n");
	_exit(NSH_SETUP_FAILED);
}

/* Writes the maps of process PID directly; needs CAP_SETUID/CAP_SETGID here (real root). */
static void write_maps(const struct config *c, pid_t pid)
{
	char path[64], maps[MAX_MAPS * 64];

	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	format_maps(maps, sizeof(maps), c->uid_maps, c->n_uid_maps);
	write_file(path, maps);
	snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
	format_maps(maps, sizeof(maps), c->gid_maps, c->n_gid_maps);
	write_file(path, maps);
}

/* Only 0 -> our own uid and gid: the one mapping we may write ourselves. */
static int maps_only_self(const struct config *c)
{
	return c->n_uid_maps == 1 && c->n_gid_maps == 1 && c->uid_maps[0].inside == 0 &&
	       c->uid_maps[0].count == 1 && c->uid_maps[0].outside == getuid() && c->gid_maps[0].inside == 0 &&
	       c->gid_maps[0].count == 1 && c->gid_maps[0].outside == getgid();
}

/*
 * --isolation chroot: real root, and no user namespace (root with
 * CAP_SYS_ADMIN needs none, as buildah skips it then; Docker's default
 * seccomp profile allows none). Ids stay as they are; a mount namespace where
 * the kernel allows one, / made a slave, so that the program's mounts
 * (overlay snapshots) stay private and go with it.
 */
static void enter_as_root(struct config *c)
{
	if (c->n_uid_maps || c->n_gid_maps || c->newuidmap || c->newgidmap)
		die("enter --isolation %s maps no ids: no --uid-map, --gid-map, --newuidmap or --newgidmap",
		    NSH_ISOLATION_CHROOT);
	if (getuid() != 0)
		die("enter --isolation %s needs real root (ids stay as they are); this is uid %u",
		    NSH_ISOLATION_CHROOT, (unsigned)getuid());
	if (unshare(CLONE_NEWNS) == 0) {
		if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
			bail("make / a slave mount");
	} else if (errno != EPERM) {
		bail("unshare a mount namespace");
	} /* EPERM: no CAP_SYS_ADMIN, and so no mounts to keep private either */
	die_with_parent(c->parent_pid);
	exec_program(c->argv);
}

void enter(struct config *c)
{
	char maps[MAX_MAPS * 64];
	int through_tools = c->newuidmap && c->newgidmap;
	int through_child = through_tools || !maps_only_self(c);
	int sync[2] = {-1, -1};
	pid_t mapper = -1;
	int status, single = 0;
	uid_t uid = getuid(); /* inside the new namespace, before its maps, both read as the overflow id */
	gid_t gid = getgid();

	if (c->chroot_isolation)
		enter_as_root(c);
	if (c->n_uid_maps == 0 || c->n_gid_maps == 0)
		die("enter needs --uid-map and --gid-map");
	if (through_child) {
		if (pipe2(sync, O_CLOEXEC) < 0)
			bail("pipe");
		mapper = fork();
		if (mapper < 0)
			bail("fork");
		if (mapper == 0) {
			pid_t target = getppid();
			char go;

			close(sync[1]);
			if (read(sync[0], &go, 1) != 1)
				_exit(NSH_SETUP_FAILED);
			if (through_tools) {
				int st = run_map_tool(c->newuidmap, target, c->uid_maps, c->n_uid_maps);

				if (st != 0)
					_exit(MAPPER_FALL_BACK);
				st = run_map_tool(c->newgidmap, target, c->gid_maps, c->n_gid_maps);
				if (st != 0)
					map_tool_failed(c->newgidmap, st);
			} else {
				write_maps(c, target);
			}
			_exit(0);
		}
		close(sync[0]);
	}

	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		explain_userns_failure();

	if (through_child) {
		if (write(sync[1], "x", 1) != 1)
			bail("signal the id mapper");
		close(sync[1]);
		while (waitpid(mapper, &status, 0) < 0)
			if (errno != EINTR)
				bail("wait for the id mapper");
		if (through_tools && exit_code(status) == MAPPER_FALL_BACK) {
			map_single_id(c->newuidmap, uid, gid);
			single = 1;
		} else if (exit_code(status) != 0) {
			_exit(NSH_SETUP_FAILED); /* the mapper said why */
		}
	} else {
		/* An unprivileged writer of gid_map must deny setgroups first. */
		write_file("/proc/self/setgroups", "deny");
		format_maps(maps, sizeof(maps), c->uid_maps, c->n_uid_maps);
		write_file("/proc/self/uid_map", maps);
		format_maps(maps, sizeof(maps), c->gid_maps, c->n_gid_maps);
		write_file("/proc/self/gid_map", maps);
	}

	if (setresgid(0, 0, 0) < 0)
		bail("setresgid(0) in the user namespace");
	if (setresuid(0, 0, 0) < 0)
		bail("setresuid(0) in the user namespace");
	/* Host supplementary groups would show as nogroup; drop them where allowed. */
	if (through_child && !single && setgroups(0, NULL) < 0)
		bail("setgroups");
	/* Mounts made in here must never propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		bail("make / a slave mount");

	/* setresuid() cleared the parent-death signal; set it again. */
	die_with_parent(c->parent_pid);
	exec_program(c->argv);
}
