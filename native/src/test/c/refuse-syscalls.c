/*
 * refuse-syscalls: a test tool for strata-nshelper's fallbacks (native tests).
 * Installs a seccomp filter under which the named system calls fail with the
 * given errno, as an older kernel (ENOSYS) or a container's seccomp profile
 * (EPERM) answers them, then execs PROGRAM; the filter stays for PROGRAM and
 * everything it starts, the helper's sandbox included.
 *
 *   refuse-syscalls [--leak-fd] NAME=ERRNO[,NAME=ERRNO]... -- PROGRAM [ARG]...
 *       ERRNO: ENOSYS, EPERM or EACCES. --leak-fd opens /dev/null without
 *       O_CLOEXEC first, a descriptor PROGRAM inherits and must not pass on.
 *   refuse-syscalls --list-fds
 *       prints the descriptors from 3 up that this process holds, one a line
 *       ("fds:" then the numbers), to show what a command in the sandbox got.
 *   refuse-syscalls --ids
 *       prints "uid=U gid=G groups=N home=HOME": who a command in the sandbox is.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int errno_named(const char *name)
{
	if (strcmp(name, "ENOSYS") == 0)
		return ENOSYS;
	if (strcmp(name, "EPERM") == 0)
		return EPERM;
	if (strcmp(name, "EACCES") == 0)
		return EACCES;
	fprintf(stderr, "refuse-syscalls: unknown errno %s\n", name);
	exit(2);
}

static int list_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	if (!d) {
		perror("refuse-syscalls: /proc/self/fd");
		return 2;
	}
	printf("fds:");
	while ((e = readdir(d)) != NULL) {
		int fd = atoi(e->d_name);

		if (e->d_name[0] != '.' && fd >= 3 && fd != dirfd(d))
			printf(" %d", fd);
	}
	printf("\n");
	closedir(d);
	return 0;
}

int main(int argc, char **argv)
{
	scmp_filter_ctx ctx;
	char *spec, *item, *save = NULL;
	int i = 1, rc;

	if (argc == 2 && strcmp(argv[1], "--list-fds") == 0)
		return list_fds();
	if (argc == 2 && strcmp(argv[1], "--ids") == 0) {
		printf("uid=%u gid=%u groups=%d home=%s\n", (unsigned)getuid(), (unsigned)getgid(),
		       getgroups(0, NULL), getenv("HOME") ? getenv("HOME") : "");
		return 0;
	}
	if (i < argc && strcmp(argv[i], "--leak-fd") == 0) {
		if (open("/dev/null", O_RDONLY) < 0)
			perror("refuse-syscalls: open /dev/null");
		i++;
	}
	if (argc < i + 3 || strcmp(argv[i + 1], "--") != 0) {
		fprintf(stderr, "usage: refuse-syscalls [--leak-fd] NAME=ERRNO[,...] -- PROGRAM [ARG]...\n");
		return 2;
	}
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return 2;
	spec = strdup(argv[i]);
	for (item = strtok_r(spec, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');
		int nr;

		if (!eq) {
			fprintf(stderr, "refuse-syscalls: %s: expected NAME=ERRNO\n", item);
			return 2;
		}
		*eq = '\0';
		nr = seccomp_syscall_resolve_name(item);
		if (nr == __NR_SCMP_ERROR) {
			fprintf(stderr, "refuse-syscalls: unknown system call %s\n", item);
			return 2;
		}
		if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO((unsigned)errno_named(eq + 1)), nr, 0)) < 0) {
			fprintf(stderr, "refuse-syscalls: rule for %s: %s\n", item, strerror(-rc));
			return 2;
		}
	}
	/* Unprivileged: the kernel takes a filter only under no_new_privs (libseccomp's default). */
	if ((rc = seccomp_load(ctx)) < 0) {
		fprintf(stderr, "refuse-syscalls: load the filter: %s\n", strerror(-rc));
		return 2;
	}
	seccomp_release(ctx);
	execv(argv[i + 2], argv + i + 2);
	fprintf(stderr, "refuse-syscalls: exec %s: %s\n", argv[i + 2], strerror(errno));
	return 127;
}
