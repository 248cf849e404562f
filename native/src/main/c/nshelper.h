/* nshelper.h: what the files of strata-nshelper share. See protocol.h for the interface. */
#ifndef STRATA_NSHELPER_H
#define STRATA_NSHELPER_H

#include <sys/types.h>

#define MAX_MAPS 16
#define MAX_ENV 4096
#define MAX_MOUNTS 256

enum mount_kind { MOUNT_BIND, MOUNT_TMPFS };

/* One extra mount (protocol.h --mount); has_size/size and mode apply to tmpfs. */
struct extra_mount {
	enum mount_kind kind;
	const char *source, *target;
	int readonly, has_size;
	unsigned long long size;
	unsigned mode;
};

struct idmap {
	unsigned long inside, outside, count;
};

struct config {
	pid_t parent_pid; /* 0: not checked */
	struct idmap uid_maps[MAX_MAPS], gid_maps[MAX_MAPS];
	int n_uid_maps, n_gid_maps;
	const char *newuidmap, *newgidmap;
	const char *rootfs, *user, *workdir, *hostname;
	int network_none;
	char *env[MAX_ENV + 1]; /* from --environ, never argv */
	int n_env, environ_read;
	unsigned long long caps; /* bounding set; effective and permitted for uid 0 */
	int seccomp_unconfined;
	enum proc_mode { PROC_FRESH, PROC_BIND, PROC_NONE } proc;
	int chroot_isolation; /* --isolation chroot: no user namespace, namespaces where allowed */
	struct extra_mount mounts[MAX_MOUNTS];
	int n_mounts;
	char **argv; /* PROGRAM [ARG]..., NULL-terminated */
};

/* main.c */
void bail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void die_with_parent(pid_t expected);
void reset_signals(void);
void close_fds_from(int first);
void exec_program(char **argv) __attribute__((noreturn));
int exit_code(int wait_status);
int read_small_file(const char *path, char *buf, size_t size);
void write_file(const char *path, const char *data);

/* mountopt.c */
void begin_mount(struct config *c, const char *kind);
struct extra_mount *current_mount(struct config *c, const char *opt);
void mount_option(struct extra_mount *m, const char *value);
void check_mounts(struct config *c);

/* environ.c */
void read_environ(struct config *c, const char *path);

/* security.c */
unsigned long long held_caps(unsigned long long caps);
void install_seccomp(unsigned long long caps);
void drop_bounding(unsigned long long caps);
void set_capabilities(unsigned long long caps, uid_t uid);

/* enter.c */
void enter(struct config *c) __attribute__((noreturn));

/* run.c */
void run(struct config *c) __attribute__((noreturn));

/* probe.c */
void probe(struct config *c) __attribute__((noreturn));
int unshare_allowed(int flags, int chroot_isolation);

/* rootfs.c */
void setup_chroot(struct config *c);
void setup_rootfs(struct config *c);
void remove_created_mountpoints(void);
void undo_failed_setup(void);

/* user.c */
struct identity {
	uid_t uid;
	gid_t gid;
	gid_t groups[1024]; /* more is refused, never cut (user.c) */
	int n_groups;
	char home[4096];
};
void check_user(const char *spec);
void resolve_user(const char *spec, struct identity *id);

#endif
