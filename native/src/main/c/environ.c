/*
 * environ.c: the values of "run" that must not be on a command line
 * (protocol.h --environ): the command's whole environment, secrets given
 * with `--secret env=` among them, read from a file in /proc/PID/environ's
 * form. Every local user can read /proc/PID/cmdline; a file Strata passes
 * as /proc/JVM/fd/N of a memfd only its owner can open.
 *
 * Malformed input is refused whole, naming the entry by number only: an
 * entry may be a secret, so its text never reaches a message.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nshelper.h"

/* More than ARG_MAX's usual 2 MiB could never be exec'd anyway. */
#define MAX_ENVIRON_BYTES (16 << 20)

static char *read_all(const char *path, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		bail("--environ %s", path);
	if (!buf)
		die("--environ %s: out of memory", path);
	for (;;) {
		ssize_t got;

		if (n == cap) {
			if (cap >= MAX_ENVIRON_BYTES)
				die("--environ %s: larger than %d bytes", path, MAX_ENVIRON_BYTES);
			cap *= 2;
			if (!(buf = realloc(buf, cap)))
				die("--environ %s: out of memory", path);
		}
		got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			bail("--environ %s: read", path);
		if (got == 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	*len = n;
	return buf;
}

void read_environ(struct config *c, const char *path)
{
	size_t len, at;
	char *buf;

	if (c->environ_read)
		die("--environ given twice");
	c->environ_read = 1;
	buf = read_all(path, &len);
	if (len > 0 && buf[len - 1] != '\0') {
		int entry = 1;

		for (at = 0; at < len; at++)
			entry += buf[at] == '\0';
		die("--environ %s: entry %d is not ended by a NUL byte (cut short?)", path, entry);
	}
	for (at = 0; at < len; at += strlen(buf + at) + 1) {
		char *entry = buf + at, *eq = strchr(entry, '=');

		if (c->n_env == MAX_ENV)
			die("--environ %s: more than %d entries", path, MAX_ENV);
		if (!eq || eq == entry)
			die("--environ %s: entry %d is not KEY=VALUE", path, c->n_env + 1);
		c->env[c->n_env++] = entry;
	}
}
