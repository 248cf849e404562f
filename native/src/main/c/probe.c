/*
 * probe.c: the "probe" job. Tries, in throw-away children, what "run" needs
 * (a user namespace; mount, PID, IPC and UTS namespaces; a fresh procfs or a
 * bind of the caller's /proc; sethostname) and prints one line of fields,
 * so that Strata chooses its isolation once per build and says which it
 * chose, instead of failing at the first RUN (buildah probes likewise before
 * choosing its chroot isolation; rootless podman binds /proc when a fresh
 * one is refused).
 *
 *   userns=yes|no namespaces=mount,pid,ipc,uts proc=fresh|bind|none hostname=yes|no
 *
 * Nothing is left behind: the mounts go with the children's mount namespace
 * and the one directory made is removed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nshelper.h"
#include "protocol.h"

static const struct {
	int flag;
	const char *name;
} namespaces[] = {
	{CLONE_NEWNS, "mount"},
	{CLONE_NEWPID, "pid"},
	{CLONE_NEWIPC, "ipc"},
	{CLONE_NEWUTS, "uts"},
};

static int wait_status(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}

/* Whether unshare(FLAG) succeeds, tried in a child so this process stays as it is. */
static int can_unshare(int flag)
{
	pid_t pid = fork();

	if (pid < 0)
		bail("fork");
	if (pid == 0)
		_exit(unshare(flag) == 0 ? 0 : 1);
	return wait_status(pid) == 0;
}

/*
 * Unshares the namespaces of FLAGS. In the userns isolation all of them must
 * be made ("run" is inside "enter"'s namespace, where nothing should refuse);
 * in the chroot isolation each is made where the kernel allows it. Returns
 * the flags made.
 */
int unshare_allowed(int flags, int chroot_isolation)
{
	int made = 0;
	unsigned i;

	if (!chroot_isolation) {
		if (unshare(flags) < 0)
			return -1;
		return flags;
	}
	for (i = 0; i < sizeof(namespaces) / sizeof(namespaces[0]); i++)
		if ((flags & namespaces[i].flag) && unshare(namespaces[i].flag) == 0)
			made |= namespaces[i].flag;
	if ((flags & CLONE_NEWNET) && unshare(CLONE_NEWNET) == 0)
		made |= CLONE_NEWNET;
	return made;
}

/* In the new PID namespace's first process: which /proc, and whether sethostname works. */
static void probe_mounts(int made)
{
	char dir[] = "/tmp/strata-probe.XXXXXX";
	const char *proc = NSH_PROC_NONE;
	int hostname = 0;

	if ((made & CLONE_NEWNS) && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0 && mkdtemp(dir)) {
		if (mount("proc", dir, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == 0)
			proc = NSH_PROC_FRESH;
		else if (mount("/proc", dir, NULL, MS_BIND | MS_REC, NULL) == 0)
			proc = NSH_PROC_BIND;
		umount2(dir, MNT_DETACH);
		rmdir(dir);
	}
	if (made & CLONE_NEWUTS)
		hostname = sethostname("strata", 6) == 0;
	printf(" proc=%s hostname=%s", proc, hostname ? "yes" : "no");
	fflush(stdout);
}

void probe(struct config *c)
{
	int made, first = 1;
	unsigned i;
	pid_t pid;

	printf("userns=%s namespaces=", can_unshare(CLONE_NEWUSER) ? "yes" : "no");
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		bail("fork");
	if (pid == 0) {
		made = unshare_allowed(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS, 1);
		for (i = 0; i < sizeof(namespaces) / sizeof(namespaces[0]); i++) {
			if (made & namespaces[i].flag) {
				printf("%s%s", first ? "" : ",", namespaces[i].name);
				first = 0;
			}
		}
		fflush(stdout);
		pid = fork(); /* the first process of the new PID namespace, which a fresh procfs needs */
		if (pid < 0)
			_exit(1);
		if (pid == 0) {
			probe_mounts(made);
			_exit(0);
		}
		_exit(wait_status(pid) == 0 ? 0 : 1);
	}
	if (wait_status(pid) != 0)
		die("probe: a child failed");
	printf("\n");
	(void)c;
	exit(0);
}
