/*
 * strata-nshelper: the single-threaded helper that does Strata's namespace
 * work. A JVM is multithreaded, and unshare(CLONE_NEWUSER) fails with EINVAL
 * in a multithreaded process, so the JVM re-executes itself through this
 * program (as runc does with nsexec and Bazel with linux-sandbox).
 * See protocol.h for the interface and README.md for why this is C.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nshelper.h"
#include "protocol.h"

/* One write, so that the lines of concurrent steps do not interleave; never cut short. */
static void vreport(const char *fmt, va_list ap, int err)
{
	char *msg = NULL;

	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	if (err)
		fprintf(stderr, "strata-nshelper: %s: %s\n", msg ? msg : fmt, strerror(err));
	else
		fprintf(stderr, "strata-nshelper: %s\n", msg ? msg : fmt);
	free(msg);
}

/* Fails with the errno text appended, as runc's nsexec bail() does. */
void bail(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vreport(fmt, ap, err);
	va_end(ap);
	undo_failed_setup();
	_exit(NSH_SETUP_FAILED);
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(fmt, ap, 0);
	va_end(ap);
	undo_failed_setup();
	_exit(NSH_SETUP_FAILED);
}

void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(fmt, ap, 0);
	va_end(ap);
}

/*
 * PR_SET_PDEATHSIG: when our parent dies (Ctrl-C, kill -9 of strata), so do
 * we. The kernel clears it on credential changes, so callers set it again
 * after setresuid(). Checking the parent afterwards closes the race with a
 * parent that died before the prctl (Bazel's linux-sandbox does the same).
 */
void die_with_parent(pid_t expected)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		bail("prctl(PR_SET_PDEATHSIG)");
	if (expected > 0 && getppid() != expected)
		_exit(NSH_SETUP_FAILED);
}

/* The JVM leaves signals blocked or ignored that a command expects to have. */
void reset_signals(void)
{
	sigset_t none;
	int sig;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
}

/*
 * Closes every descriptor from FIRST up, as runc does before exec: close_range(2)
 * (Linux 5.9), else, where the kernel answers ENOSYS or a seccomp profile
 * older than the call EPERM (Docker's default action), each open one listed
 * in /proc/self/fd, else (no /proc, as in the chroot isolation without
 * mounts) every number below RLIMIT_NOFILE. A descriptor left open would
 * reach the command: none may.
 */
void close_fds_from(int first)
{
	struct rlimit rl;
	struct dirent *e;
	DIR *d;
	long fd, max;

	if (close_range((unsigned)first, ~0U, 0) == 0)
		return;
	if (errno != ENOSYS && errno != EPERM)
		bail("close_range(%d, ~0U)", first);
	d = opendir("/proc/self/fd");
	if (d) {
		int dfd = dirfd(d);

		while ((e = readdir(d)) != NULL) {
			char *end;

			errno = 0;
			fd = strtol(e->d_name, &end, 10);
			if (*end || errno || end == e->d_name || fd < first || fd == dfd)
				continue;
			if (close((int)fd) < 0 && errno != EBADF && errno != EINTR)
				bail("close descriptor %ld", fd);
		}
		closedir(d);
		return;
	}
	max = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max != RLIM_INFINITY ? (long)rl.rlim_max : 1L << 20;
	for (fd = first; fd < max; fd++)
		close((int)fd); /* EBADF for most: nothing to check */
}

/*
 * Runs PROGRAM with the current environment, searching PATH as runc does:
 * no /bin/sh fallback for ENOEXEC, and "not found" (127) unless a match
 * exists but cannot be executed (126). execvp() would report EACCES for any
 * unreadable directory on PATH, even when the program exists nowhere.
 * A PATH entry too long to join with the name is skipped, as Go's
 * exec.LookPath skips one whose stat fails: it is never cut short, which
 * could name another file.
 */
void exec_program(char **argv)
{
	const char *path = getenv("PATH");
	char candidate[PATH_MAX];
	const char *dir, *end;
	int err = ENOENT;

	close_fds_from(3);
	if (strchr(argv[0], '/')) {
		execv(argv[0], argv);
		err = errno;
	} else {
		for (dir = path ? path : ""; *dir; dir = *end ? end + 1 : end) {
			struct stat st;
			int n;

			end = strchrnul(dir, ':');
			/* an empty entry is the current directory (its length was 0, so "." printed as "") */
			n = snprintf(candidate, sizeof(candidate), "%.*s/%s", end == dir ? 1 : (int)(end - dir),
				     end == dir ? "." : dir, argv[0]);
			if (n < 0 || (size_t)n >= sizeof(candidate))
				continue;
			if (stat(candidate, &st) < 0 || S_ISDIR(st.st_mode))
				continue;
			execv(candidate, argv);
			err = errno; /* found but not executable: remember, keep looking */
		}
	}
	if (err == ENOENT || err == ENOTDIR) {
		if (strchr(argv[0], '/'))
			fprintf(stderr, "strata-nshelper: %s: not found\n", argv[0]);
		else
			fprintf(stderr, "strata-nshelper: %s: not found (PATH=%s)\n", argv[0], path ? path : "");
		_exit(NSH_NOT_FOUND);
	}
	fprintf(stderr, "strata-nshelper: cannot execute %s: %s\n", argv[0], strerror(err));
	_exit(NSH_CANNOT_EXEC);
}

/* A shell's convention, which Java's Process.exitValue() also follows. */
int exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return NSH_SETUP_FAILED;
}

int read_small_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

void write_file(const char *path, const char *data)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t len = strlen(data);

	if (fd < 0)
		bail("open %s", path);
	if (write(fd, data, len) != (ssize_t)len)
		bail("write %s", path);
	close(fd);
}

/*
 * A whole decimal number from 0 to MAX, or -1: no sign, no blanks, no
 * trailing text (strtoul alone takes "-1", " 5" and "5x").
 */
static long long parse_decimal(const char *s, unsigned long long max)
{
	unsigned long long n;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (*end || errno || n > max)
		return -1;
	return (long long)n;
}

static void parse_map(const char *opt, const char *value, struct idmap *maps, int *n)
{
	char field[3][24];
	long long v[3];
	const char *p = value;
	int i;

	if (*n == MAX_MAPS)
		die("%s: at most %d ranges", opt, MAX_MAPS);
	for (i = 0; i < 3; i++) {
		size_t len = strcspn(p, ":");

		if (len >= sizeof(field[i]) || (p[len] == ':') != (i < 2))
			die("%s %s: expected INSIDE:OUTSIDE:COUNT", opt, value);
		memcpy(field[i], p, len);
		field[i][len] = '\0';
		v[i] = parse_decimal(field[i], 4294967295ULL);
		if (v[i] < 0)
			die("%s %s: expected INSIDE:OUTSIDE:COUNT, each a decimal id from 0 to 4294967295", opt, value);
		p += len + (i < 2);
	}
	if (v[2] == 0 || v[0] + v[2] > 4294967296LL || v[1] + v[2] > 4294967296LL)
		die("%s %s: COUNT must be at least 1 and the range must end by 4294967296", opt, value);
	maps[*n].inside = (unsigned long)v[0];
	maps[*n].outside = (unsigned long)v[1];
	maps[*n].count = (unsigned long)v[2];
	(*n)++;
}

/*
 * The pid whose death ends us. Garbage must not turn the check off (atol
 * gave 0, "not checked", for "12x" or "abc"): a whole positive pid or die.
 */
static pid_t parse_parent_pid(const char *value)
{
	long long pid = parse_decimal(value, INT_MAX);

	if (pid <= 0)
		die("--parent-pid %s: expected a process id (a decimal number from 1 to %d)", value, INT_MAX);
	return (pid_t)pid;
}

/* An argument copied into a buffer of MAX bytes later must fit whole: refuse, never cut. */
static void check_length(const char *what, const char *value, size_t max)
{
	size_t len = strlen(value);

	if (len > max)
		die("%s too long (%zu bytes, max %zu)", what, len, max);
}

/* A whole hexadecimal number of at most 16 digits, no sign, no 0x. */
static unsigned long long parse_caps(const char *value)
{
	unsigned long long n;
	char *end;

	errno = 0;
	n = strtoull(value, &end, 16);
	if (!*value || *end || errno || strlen(value) > 16 || strspn(value, "0123456789abcdefABCDEF") != strlen(value))
		die("--caps %s: expected a hexadecimal capability mask (bit N: capability N)", value);
	return n;
}

static int option_index(const char *arg)
{
	int i;

	for (i = 0; i < NSH_OPT_COUNT; i++)
		if (strcmp(arg, nsh_option_names[i]) == 0)
			return i;
	return -1;
}

static void parse(int argc, char **argv, struct config *c)
{
	int i;

	c->caps = NSH_DOCKER_CAPS;
	for (i = 2; i < argc && strcmp(argv[i], "--") != 0; i += 2) {
		int opt = option_index(argv[i]);
		char *value = argv[i + 1];

		if (opt < 0)
			die("unknown option %s", argv[i]);
		if (i + 1 >= argc)
			die("%s needs a value", argv[i]);
		switch ((enum nsh_option)opt) {
		case NSH_OPT_PARENT_PID:
			c->parent_pid = parse_parent_pid(value);
			break;
		case NSH_OPT_UID_MAP:
			parse_map(argv[i], value, c->uid_maps, &c->n_uid_maps);
			break;
		case NSH_OPT_GID_MAP:
			parse_map(argv[i], value, c->gid_maps, &c->n_gid_maps);
			break;
		case NSH_OPT_NEWUIDMAP:
			c->newuidmap = value;
			break;
		case NSH_OPT_NEWGIDMAP:
			c->newgidmap = value;
			break;
		case NSH_OPT_ROOTFS:
			c->rootfs = value;
			break;
		case NSH_OPT_USER:
			check_user(value);
			c->user = value;
			break;
		case NSH_OPT_WORKDIR:
			if (value[0] != '/')
				die("--workdir %s: not an absolute path", value);
			check_length("WORKDIR", value, PATH_MAX - 1);
			c->workdir = value;
			break;
		case NSH_OPT_ENVIRON:
			read_environ(c, value);
			break;
		case NSH_OPT_NETWORK:
			if (strcmp(value, "none") == 0)
				c->network_none = 1;
			else if (strcmp(value, "host") != 0)
				die("--network %s: expected host or none", value);
			break;
		case NSH_OPT_HOSTNAME:
			c->hostname = value;
			break;
		case NSH_OPT_MOUNT:
			begin_mount(c, value);
			break;
		case NSH_OPT_MOUNT_SOURCE:
			current_mount(c, argv[i])->source = value;
			break;
		case NSH_OPT_MOUNT_TARGET:
			current_mount(c, argv[i])->target = value;
			break;
		case NSH_OPT_MOUNT_OPTION:
			mount_option(current_mount(c, argv[i]), value);
			break;
		case NSH_OPT_CAPS:
			c->caps = parse_caps(value);
			break;
		case NSH_OPT_SECCOMP:
			if (strcmp(value, NSH_SECCOMP_UNCONFINED) == 0)
				c->seccomp_unconfined = 1;
			else if (strcmp(value, NSH_SECCOMP_DEFAULT) != 0)
				die("--seccomp %s: expected %s or %s", value, NSH_SECCOMP_DEFAULT, NSH_SECCOMP_UNCONFINED);
			break;
		case NSH_OPT_PROC:
			if (strcmp(value, NSH_PROC_FRESH) == 0)
				c->proc = PROC_FRESH;
			else if (strcmp(value, NSH_PROC_BIND) == 0)
				c->proc = PROC_BIND;
			else if (strcmp(value, NSH_PROC_NONE) == 0)
				c->proc = PROC_NONE;
			else
				die("--proc %s: expected %s, %s or %s", value, NSH_PROC_FRESH, NSH_PROC_BIND, NSH_PROC_NONE);
			break;
		case NSH_OPT_ISOLATION:
			if (strcmp(value, NSH_ISOLATION_CHROOT) == 0)
				c->chroot_isolation = 1;
			else if (strcmp(value, NSH_ISOLATION_USERNS) != 0)
				die("--isolation %s: expected %s or %s", value, NSH_ISOLATION_USERNS, NSH_ISOLATION_CHROOT);
			break;
		case NSH_OPT_COUNT:
			break;
		}
	}
	if (strcmp(argv[1], NSH_JOB_PROBE) == 0)
		return; /* no program */
	if (i >= argc - 1)
		die("no program: expected -- PROGRAM [ARG]...");
	c->argv = argv + i + 1;
	check_length("PROGRAM", c->argv[0], PATH_MAX - 1);
	check_mounts(c);
}

/*
 * "run" forks the sandbox's PID 1 from this process, and a fork shows its
 * parent's exec-time environment in /proc/PID/environ whatever clearenv()
 * does; so the helper sheds the caller's environment by exec'ing itself
 * with none. Strata starts it with none; a shell usually does not.
 */
static void run_with_empty_environment(char **argv)
{
	static char *none[] = {NULL};

	if (!environ || !environ[0])
		return;
	execve("/proc/self/exe", argv, none);
	bail("re-execute %s with an empty environment", argv[0]);
}

int main(int argc, char **argv)
{
	static struct config c;

	if (argc < 2) {
		fprintf(stderr, "usage: strata-nshelper enter|run [OPTION VALUE]... -- PROGRAM [ARG]...\n"
				"(an internal program of Strata; see protocol.h)\n");
		return NSH_SETUP_FAILED;
	}
	if (strcmp(argv[1], NSH_JOB_RUN) == 0)
		run_with_empty_environment(argv);
	parse(argc, argv, &c);
	reset_signals();
	if (strcmp(argv[1], NSH_JOB_ENTER) == 0)
		enter(&c);
	if (strcmp(argv[1], NSH_JOB_RUN) == 0)
		run(&c);
	if (strcmp(argv[1], NSH_JOB_PROBE) == 0)
		probe(&c);
	die("unknown job %s: expected %s, %s or %s", argv[1], NSH_JOB_ENTER, NSH_JOB_RUN, NSH_JOB_PROBE);
}
