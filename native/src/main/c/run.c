/*
 * run.c: the "run" job (DESIGN.md "Rootless model", step 3). Called inside
 * the enter namespace, where we are uid 0 with capabilities over it.
 *
 * Processes:  helper (waits, relays signals)
 *               `- init, PID 1 of the new PID namespace: sets up the
 *                  rootfs, relays signals, reaps, removes mount points
 *                    `- the command, PID 2, as USER in WORKDIR with ENV,
 *                       its capabilities and seccomp filter (security.c)
 * A process-less PID 1 is needed because the kernel drops signals to a
 * namespace's init that it has no handler for, so `sleep` as PID 1 would
 * ignore Ctrl-C (the reason for docker --init / tini). Each level dies with
 * its parent (PR_SET_PDEATHSIG); when init dies the kernel kills the whole
 * PID namespace, and with its last process the mount namespace and every
 * mount in it go away: a killed strata leaves no process and no mount.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nshelper.h"
#include "protocol.h"

/* Signals a terminal or `kill` sends that the command should see. */
static const int relayed[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT};
static volatile pid_t relay_to;
/* In init while it sets up the rootfs: a stop is kept until the mount points can be removed. */
static volatile sig_atomic_t defer_stop, stop_signal;

static void relay(int sig)
{
	if (relay_to > 0)
		kill(relay_to, sig);
	else if (sig != SIGINT && sig != SIGTERM && sig != SIGHUP && sig != SIGQUIT)
		return;
	else if (defer_stop && !stop_signal)
		stop_signal = sig; /* a second one (setup hangs, e.g. on a dead NFS source) exits at once */
	else
		_exit(128 + sig); /* interrupted while setting up: nothing to relay to */
}

static void block_relayed(sigset_t *old)
{
	sigset_t set;
	unsigned i;

	sigemptyset(&set);
	for (i = 0; i < sizeof(relayed) / sizeof(relayed[0]); i++)
		sigaddset(&set, relayed[i]);
	sigprocmask(SIG_BLOCK, &set, old);
}

static void install_relay(pid_t to)
{
	struct sigaction sa;
	unsigned i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = relay;
	sa.sa_flags = SA_RESTART;
	relay_to = to;
	for (i = 0; i < sizeof(relayed) / sizeof(relayed[0]); i++)
		sigaction(relayed[i], &sa, NULL);
}

static int wait_for(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			bail("waitpid");
	return status;
}

/* A new network namespace has lo down; docker's --network none brings it up. */
static void loopback_up(void)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		bail("socket");
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		bail("get flags of lo");
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		bail("bring up lo");
	close(s);
}

static int setgroups_allowed(void)
{
	char value[16];

	return read_small_file("/proc/self/setgroups", value, sizeof(value)) < 0 || strncmp(value, "deny", 4) != 0;
}

/*
 * One directory of WORKDIR: made 0755 and given to USER when missing (BuildKit's WORKDIR is
 * llb.Mkdir(wd, 0755, WithParents, WithUser(USER)): every directory it creates is USER's).
 */
static void make_dir(const char *dir, const struct identity *id)
{
	if (mkdir(dir, 0755) < 0) {
		if (errno != EEXIST)
			bail("create WORKDIR %s", dir);
		return;
	}
	if ((id->uid != 0 || id->gid != 0) && lchown(dir, id->uid, id->gid) < 0)
		bail("give WORKDIR %s to %u:%u", dir, id->uid, id->gid);
}

/* WORKDIR is created as root before dropping to USER, owned by USER where missing. */
static void make_dirs(const char *path, const struct identity *id)
{
	char buf[PATH_MAX];
	char *p;
	int n = snprintf(buf, sizeof(buf), "%s", path);

	if (n < 0 || (size_t)n >= sizeof(buf))
		die("WORKDIR too long (%zu bytes, max %zu)", strlen(path), sizeof(buf) - 1);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		make_dir(buf, id);
		*p = '/';
	}
	make_dir(buf, id);
}

/* The command's environment: exactly --environ's, as docker with a default PATH and HOME from /etc/passwd. */
static void set_environment(struct config *c, const struct identity *id)
{
	int i, has_path = 0, has_home = 0;

	if (clearenv() != 0)
		die("clearenv");
	for (i = 0; i < c->n_env; i++) {
		if (putenv(c->env[i]) != 0)
			bail("putenv");
		has_path |= strncmp(c->env[i], "PATH=", 5) == 0;
		has_home |= strncmp(c->env[i], "HOME=", 5) == 0;
	}
	if (!has_path)
		setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
	if (!has_home)
		setenv("HOME", id->home, 1);
}

/*
 * PID 2: becomes USER in WORKDIR with its environment, capabilities and
 * seccomp filter (security.c says why in this order) and execs the command.
 */
static void exec_command(struct config *c)
{
	const char *user = c->user ? c->user : "0";
	struct identity id;

	resolve_user(user, &id);
	if (c->workdir)
		make_dirs(c->workdir, &id);
	set_environment(c, &id);
	close_fds_from(3);
	c->caps = held_caps(c->caps);
	if (!c->seccomp_unconfined)
		install_seccomp(c->caps);
	drop_bounding(c->caps);
	if (setgroups_allowed() && setgroups((size_t)id.n_groups, id.groups) < 0)
		bail("setgroups for user %s", user);
	if (setresgid(id.gid, id.gid, id.gid) < 0)
		bail("setgid %u for user %s (%s)", id.gid, user,
		     errno == EINVAL ? "gid not mapped: Strata runs in single-id mode without /etc/subgid ranges"
				     : "");
	if (setresuid(id.uid, id.uid, id.uid) < 0)
		bail("setuid %u for user %s (%s)", id.uid, user,
		     errno == EINVAL ? "uid not mapped: Strata runs in single-id mode without /etc/subuid ranges"
				     : "");
	set_capabilities(c->caps, id.uid);
	if (chdir(c->workdir ? c->workdir : "/") < 0)
		bail("chdir to WORKDIR %s", c->workdir);
	exec_program(c->argv);
}

/* The namespaces run() made (the chroot isolation makes those the kernel allows). */
static int made_namespaces;

/* PID 1 of the sandbox (of its PID namespace, where one could be made). */
static void sandbox_init(struct config *c)
{
	sigset_t old;
	pid_t cmd, pid;
	int status, code = NSH_SETUP_FAILED;

	prctl(PR_SET_NAME, "strata-init");
	if (made_namespaces & CLONE_NEWNS)
		setup_rootfs(c);
	else
		setup_chroot(c);
	if (c->network_none)
		loopback_up();
	/*
	 * podman's seccomp profile allows sethostname only with CAP_SYS_ADMIN,
	 * which a container's root may lack: the hostname is cosmetic, so a
	 * refusal is a warning (Strata's probe usually leaves --hostname out).
	 */
	if (c->hostname && (made_namespaces & CLONE_NEWUTS) && sethostname(c->hostname, strlen(c->hostname)) < 0) {
		if (errno != EPERM && errno != EACCES)
			bail("sethostname %s", c->hostname);
		warn("warning: sethostname %s refused (%s); the step sees the caller's hostname", c->hostname,
		     strerror(errno));
	}

	block_relayed(&old);
	defer_stop = 0;
	if (stop_signal) {
		remove_created_mountpoints(); /* so an interrupted setup leaves no mount point either */
		_exit(128 + stop_signal);
	}
	cmd = fork();
	if (cmd < 0)
		bail("fork");
	if (cmd == 0) {
		reset_signals();
		exec_command(c);
	}
	install_relay(cmd);
	sigprocmask(SIG_SETMASK, &old, NULL);

	/* Reap everything (orphans reparent to us); stop when the command ends. */
	for (;;) {
		pid = waitpid(-1, &status, 0);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			break;
		if (pid == cmd) {
			code = exit_code(status);
			break;
		}
	}
	remove_created_mountpoints();
	_exit(code); /* the kernel kills what is left in the PID namespace */
}

void run(struct config *c)
{
	int flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS;
	int sync[2];
	sigset_t old;
	pid_t init;
	char go;

	umask(022);
	die_with_parent(c->parent_pid);
	if (c->network_none)
		flags |= CLONE_NEWNET;
	made_namespaces = unshare_allowed(flags, c->chroot_isolation);
	if (made_namespaces < 0)
		bail("unshare mount, PID, IPC, UTS%s namespaces (is this inside strata-nshelper enter?)",
		     c->network_none ? ", network" : "");
	if (c->network_none && !(made_namespaces & CLONE_NEWNET))
		die("--network none needs a network namespace, which this system refuses (chroot isolation "
		    "without CAP_SYS_ADMIN); use --network host");
	if (pipe2(sync, O_CLOEXEC) < 0)
		bail("pipe");

	block_relayed(&old);
	init = fork();
	if (init < 0)
		bail("fork");
	if (init == 0) {
		close(sync[1]);
		/* Die with the helper; the pipe tells whether it is already gone. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
			bail("prctl(PR_SET_PDEATHSIG)");
		if (read(sync[0], &go, 1) != 1)
			_exit(NSH_SETUP_FAILED);
		close(sync[0]);
		defer_stop = 1;
		install_relay(0);
		sigprocmask(SIG_SETMASK, &old, NULL);
		sandbox_init(c);
	}
	close(sync[0]);
	install_relay(init);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (write(sync[1], "x", 1) != 1)
		bail("start the sandbox");
	close(sync[1]);
	_exit(exit_code(wait_for(init)));
}
