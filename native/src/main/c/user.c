/*
 * user.c: USER of a Dockerfile resolved through the rootfs's /etc/passwd
 * and /etc/group (called after pivot_root, so these are the image's files).
 * Follows docker/runc: "name" or "uid" gets the passwd entry's primary group
 * and every group listing the name as a member; "user:group" gets exactly
 * that group; a numeric uid without an entry gets gid 0 and HOME=/.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nshelper.h"

/* Parses a decimal id; -1 when S is not a number. */
static long parse_id(const char *s)
{
	char *end;
	long v;

	if (!*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end || errno || v < 0 || v > 0xfffffffeL)
		return -1;
	return v;
}

/* Splits LINE at ':' into at most N fields; returns how many. */
static int split_fields(char *line, char **fields, int n)
{
	int count = 0;
	char *p = line;

	line[strcspn(line, "\n")] = '\0';
	while (count < n) {
		fields[count++] = p;
		p = strchr(p, ':');
		if (!p)
			break;
		*p++ = '\0';
	}
	return count;
}

/*
 * Copies a field of the rootfs's FILE into BUF whole, or dies: a user name
 * or home cut short would be another one.
 */
static void copy_field(char *buf, size_t size, const char *value, const char *file, const char *what)
{
	int n = snprintf(buf, size, "%s", value);

	if (n < 0 || (size_t)n >= size)
		die("%s: %s too long (%zu bytes, max %zu)", file, what, strlen(value), size - 1);
}

/* Finds USER (a name, or with BY_ID a uid) in /etc/passwd; returns 1 if found. */
static int find_passwd(const char *user, long uid, char *name, size_t name_size, struct identity *id)
{
	FILE *f = fopen("/etc/passwd", "re");
	char *line = NULL, *fld[7];
	size_t cap = 0;
	int found = 0;

	if (!f)
		return 0;
	/* getline: a long line (a GECOS field) is one entry, never read as two */
	while (!found && getline(&line, &cap, f) > 0) {
		if (split_fields(line, fld, 7) < 7)
			continue;
		if (uid >= 0 ? parse_id(fld[2]) == uid : strcmp(fld[0], user) == 0) {
			copy_field(name, name_size, fld[0], "/etc/passwd", "user name");
			id->uid = (uid_t)parse_id(fld[2]);
			id->gid = (gid_t)parse_id(fld[3]);
			copy_field(id->home, sizeof(id->home), fld[5], "/etc/passwd", "home directory");
			found = 1;
		}
	}
	free(line);
	fclose(f);
	return found;
}

/* Group GROUP by name; -1 if absent. With MEMBER, also collects MEMBER's groups into ID. */
static long scan_groups(const char *group, const char *member, struct identity *id)
{
	FILE *f = fopen("/etc/group", "re");
	char *line = NULL, *fld[4];
	size_t cap = 0;
	long found = -1;

	if (!f)
		return -1;
	while (getline(&line, &cap, f) > 0) {
		char *m, *save = NULL;
		long gid;

		if (split_fields(line, fld, 4) < 4 || (gid = parse_id(fld[2])) < 0)
			continue;
		if (group && strcmp(fld[0], group) == 0 && found < 0)
			found = gid;
		if (!member)
			continue;
		for (m = strtok_r(fld[3], ",", &save); m; m = strtok_r(NULL, ",", &save)) {
			if (strcmp(m, member) != 0)
				continue;
			if (id->n_groups == (int)(sizeof(id->groups) / sizeof(id->groups[0])))
				die("/etc/group: %s is a member of more than %zu groups", member,
				    sizeof(id->groups) / sizeof(id->groups[0]));
			id->groups[id->n_groups++] = (gid_t)gid;
		}
	}
	free(line);
	fclose(f);
	return found;
}

#define MAX_USER_NAME 255

/* Called while parsing --user, before any namespace: the name must fit resolve_user()'s buffer. */
void check_user(const char *spec)
{
	size_t len = strcspn(spec, ":");

	if (len > MAX_USER_NAME)
		die("USER too long (%zu bytes, max %d)", len, MAX_USER_NAME);
}

void resolve_user(const char *spec, struct identity *id)
{
	char user[MAX_USER_NAME + 1], name[MAX_USER_NAME + 1] = "";
	const char *group = NULL;
	const char *colon = strchr(spec, ':');
	size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
	long uid;

	if (len > MAX_USER_NAME)
		die("USER too long (%zu bytes, max %d)", len, MAX_USER_NAME);
	memcpy(user, spec, len);
	user[len] = '\0';
	if (colon)
		group = colon + 1;
	memset(id, 0, sizeof(*id));
	snprintf(id->home, sizeof(id->home), "/");

	uid = parse_id(user);
	if (!find_passwd(user, uid, name, sizeof(name), id)) {
		if (uid < 0)
			die("unable to find user %s: no matching entries in the rootfs's /etc/passwd", user);
		id->uid = (uid_t)uid; /* a bare uid needs no entry */
		id->gid = 0;
	}
	if (group) {
		long gid = parse_id(group);

		if (gid < 0 && (gid = scan_groups(group, NULL, id)) < 0)
			die("unable to find group %s: no matching entries in the rootfs's /etc/group", group);
		id->gid = (gid_t)gid;
		id->n_groups = 0;
		id->groups[id->n_groups++] = id->gid;
		return;
	}
	id->groups[id->n_groups++] = id->gid;
	if (name[0])
		scan_groups(NULL, name, id);
}
