/*
 * mountopt.c: the --mount option groups of "run" (protocol.h): one argv
 * element per field, so no path is ever split; checked here, before any
 * namespace exists, so a bad call fails with the option named.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "nshelper.h"
#include "protocol.h"

/* The mount the --mount-* options apply to: the one --mount began last. */
struct extra_mount *current_mount(struct config *c, const char *opt)
{
	if (c->n_mounts == 0)
		die("%s before any --mount", opt);
	return &c->mounts[c->n_mounts - 1];
}

void begin_mount(struct config *c, const char *kind)
{
	struct extra_mount *m;

	if (c->n_mounts == MAX_MOUNTS)
		die("--mount: at most %d mounts", MAX_MOUNTS);
	m = &c->mounts[c->n_mounts++];
	memset(m, 0, sizeof(*m));
	m->mode = 01777; /* a fresh tmpfs's own default, tmpfs(5) */
	if (strcmp(kind, NSH_MOUNT_BIND) == 0)
		m->kind = MOUNT_BIND;
	else if (strcmp(kind, NSH_MOUNT_TMPFS) == 0)
		m->kind = MOUNT_TMPFS;
	else
		die("--mount %s: expected %s or %s", kind, NSH_MOUNT_BIND, NSH_MOUNT_TMPFS);
}

/* A whole decimal (base 10) or octal (base 8) number, or die. */
static unsigned long long parse_number(const char *opt, const char *value, int base)
{
	unsigned long long n;
	char *end;

	errno = 0;
	n = strtoull(value, &end, base);
	if (!*value || *end || errno || *value == '-' || *value == '+')
		die("--mount-option %s: %s is not a %s number", opt, value, base == 8 ? "octal" : "decimal");
	return n;
}

void mount_option(struct extra_mount *m, const char *value)
{
	size_t size_len = strlen(NSH_MOUNT_SIZE), mode_len = strlen(NSH_MOUNT_MODE);

	if (strcmp(value, NSH_MOUNT_RO) == 0) {
		m->readonly = 1;
	} else if (strcmp(value, NSH_MOUNT_RW) == 0) {
		m->readonly = 0;
	} else if (m->kind == MOUNT_TMPFS && strncmp(value, NSH_MOUNT_SIZE, size_len) == 0) {
		m->size = parse_number(value, value + size_len, 10);
		m->has_size = 1;
	} else if (m->kind == MOUNT_TMPFS && strncmp(value, NSH_MOUNT_MODE, mode_len) == 0) {
		m->mode = (unsigned)parse_number(value, value + mode_len, 8);
		if (m->mode > 07777)
			die("--mount-option %s: not a file mode", value);
	} else {
		die("--mount-option %s: expected %s, %s%s", value, NSH_MOUNT_RO, NSH_MOUNT_RW,
		    m->kind == MOUNT_TMPFS ? ", " NSH_MOUNT_SIZE "BYTES or " NSH_MOUNT_MODE "OCTAL" : " (bind)");
	}
}

/* "/a/b": absolute, not "/", no empty, "." or ".." component, no trailing "/". */
static int canonical_path(const char *p)
{
	const char *c;

	if (p[0] != '/' || p[1] == '\0')
		return 0;
	for (c = p; *c; c++) {
		if (*c != '/')
			continue;
		if (c[1] == '/' || c[1] == '\0')
			return 0;
		if (c[1] == '.' && (c[2] == '/' || c[2] == '\0' || (c[2] == '.' && (c[3] == '/' || c[3] == '\0'))))
			return 0;
	}
	return 1;
}

void check_mounts(struct config *c)
{
	int i;

	for (i = 0; i < c->n_mounts; i++) {
		struct extra_mount *m = &c->mounts[i];

		if (!m->target)
			die("--mount %d: needs --mount-target", i + 1);
		if (strlen(m->target) >= PATH_MAX)
			die("--mount-target too long (%zu bytes, max %d)", strlen(m->target), PATH_MAX - 1);
		if (m->source && strlen(m->source) >= PATH_MAX)
			die("--mount-source too long (%zu bytes, max %d)", strlen(m->source), PATH_MAX - 1);
		if (!canonical_path(m->target))
			die("--mount-target %s: expected an absolute path other than /, without . or .. or //",
			    m->target);
		if (m->kind == MOUNT_BIND && (!m->source || m->source[0] != '/'))
			die("--mount bind at %s: needs --mount-source with an absolute path", m->target);
		if (m->kind == MOUNT_TMPFS && m->source)
			die("--mount tmpfs at %s: takes no --mount-source", m->target);
	}
}
