/*
 * rootfs.c: the sandbox's file system view (DESIGN.md "Rootless model",
 * step 3): the rootfs bound onto itself, /proc, a minimal /dev, the host's
 * resolv.conf and hosts for --network host, the extra --mount binds and
 * tmpfs in their order, then pivot_root.
 *
 * Every mount target inside the rootfs is resolved with openat2(2)
 * RESOLVE_IN_ROOT, so a symlink in the rootfs (/etc/resolv.conf ->
 * /home/you/.bashrc) resolves inside the rootfs, never on the host; the
 * mount then goes onto /proc/self/fd/N, as runc does since CVE-2021-30465.
 * /proc and /dev must be real directories; an extra mount's target may go
 * through symlinks (as runc's securejoin allows), still inside the rootfs.
 * Mount points we had to create, with their missing parents, are recorded
 * and removed after the command, deepest first, so they never reach a layer
 * (BuildKit likewise removes the mount stubs it made, after each RUN).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "nshelper.h"

#define MAX_RECORDED 512

/*
 * What setup_rootfs() did to paths (relative to the new root), in order, to
 * be undone in reverse: a mount point created inside an earlier mount must
 * go before that mount does, and a mount covering an earlier one's created
 * point must go before that point can be removed.
 */
enum step { CREATED_DIR, CREATED_FILE, MOUNTED };
static struct {
	char path[PATH_MAX];
	enum step step;
	struct timespec parent_times[2]; /* CREATED_*: the parent's atime, mtime before */
} undo[MAX_RECORDED];
static int n_undo;
static int setup_root = -1; /* the rootfs while setup_rootfs() runs, for undo_failed_setup() */

static char *fd_path(int fd)
{
	static char buf[4][32];
	static int next;
	char *p = buf[next++ % 4];

	snprintf(p, sizeof(buf[0]), "/proc/self/fd/%d", fd);
	return p;
}

static int open_in_root(int root, const char *path, int flags)
{
	struct open_how how = {
		.flags = (unsigned long long)(flags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, root, path, &how, sizeof(how));
}

/*
 * Forgetting a step would leak a mount point into a layer, so running out of
 * room is fatal, and checked before each step is taken, not after.
 */
static void need_room(const char *path)
{
	if (n_undo == MAX_RECORDED)
		die("rootfs: %s: more than %d mounts and mount points to undo", path, MAX_RECORDED);
}

static void remember(const char *path, enum step step)
{
	int n;

	need_room(path);
	n = snprintf(undo[n_undo].path, PATH_MAX, "%s", path);
	if (n < 0 || n >= PATH_MAX) /* a cut path would be undone somewhere else */
		die("rootfs: %s: path too long (%zu bytes, max %d)", path, strlen(path), PATH_MAX - 1);
	undo[n_undo++].step = step;
}

/*
 * PFD: the parent, stat'ed before PATH was made in it, so that removing PATH
 * can give the parent its times back (as BuildKit's mount stub cleaner
 * does): a mount must not even touch the mtime of a directory in a layer.
 */
static void remember_created(const char *path, int is_dir, const struct stat *parent)
{
	remember(path, is_dir ? CREATED_DIR : CREATED_FILE);
	undo[n_undo - 1].parent_times[0] = parent->st_atim;
	undo[n_undo - 1].parent_times[1] = parent->st_mtim;
}

static void stat_parent(int pfd, const char *path, struct stat *st)
{
	if (fstatat(pfd, "", st, AT_EMPTY_PATH) < 0)
		bail("rootfs: stat the parent of %s", path);
}

static void remember_mounted(const char *path)
{
	remember(path, MOUNTED);
}

/* Splits "/a/b/c" into "/a/b" and "c" (in BUF); returns the name. */
static const char *split_parent(const char *path, char *parent, size_t size)
{
	const char *slash = strrchr(path, '/');
	int n;

	if (slash == path)
		n = snprintf(parent, size, "/");
	else
		n = snprintf(parent, size, "%.*s", (int)(slash - path), path);
	if (n < 0 || (size_t)n >= size)
		die("rootfs: %s: path too long (%zu bytes, max %zu)", path, strlen(path), size - 1);
	return slash + 1;
}

/*
 * An O_PATH fd of directory PATH under ROOT, created (0755) with its missing
 * parents when missing. FOLLOW: symlinks on the way (resolved inside ROOT)
 * are followed; else any symlink on the way is refused.
 */
static int ensure_dir(int root, const char *path, int follow)
{
	int flags = O_PATH | O_DIRECTORY | (follow ? 0 : O_NOFOLLOW);
	char parent[PATH_MAX];
	const char *name;
	struct stat st;
	int fd, pfd;

	fd = open_in_root(root, path, flags);
	if (fd >= 0)
		return fd;
	if (errno == ENOTDIR || errno == ELOOP)
		die("rootfs: %s is not a directory%s; refusing to mount over it", path,
		    follow ? "" : " (a symlink?)");
	if (errno != ENOENT)
		bail("rootfs: open %s", path);
	name = split_parent(path, parent, sizeof(parent));
	pfd = ensure_dir(root, parent, follow);
	stat_parent(pfd, path, &st);
	need_room(path);
	if (mkdirat(pfd, name, 0755) == 0)
		remember_created(path, 1, &st);
	else if (errno != EEXIST)
		bail("rootfs: mkdir %s", path);
	close(pfd);
	fd = open_in_root(root, path, flags);
	if (fd < 0)
		bail("rootfs: open %s (a dangling symlink?)", path);
	return fd;
}

/*
 * An O_PATH fd of PATH (symlinks followed inside ROOT), an empty file
 * created when missing, parents as ensure_dir(FOLLOW); -1 if PATH is a
 * dangling symlink.
 */
static int ensure_file(int root, const char *path, int follow)
{
	char parent[PATH_MAX];
	const char *name;
	struct stat st;
	int fd, pfd;

	fd = open_in_root(root, path, O_PATH);
	if (fd >= 0)
		return fd;
	if (errno != ENOENT)
		bail("rootfs: open %s", path);
	name = split_parent(path, parent, sizeof(parent));
	pfd = ensure_dir(root, parent, follow);
	stat_parent(pfd, path, &st);
	need_room(path);
	fd = openat(pfd, name, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0644);
	close(pfd);
	if (fd < 0)
		return -1;
	close(fd);
	remember_created(path, 0, &st);
	fd = open_in_root(root, path, O_PATH);
	if (fd < 0)
		bail("rootfs: open %s", path);
	return fd;
}

/* Adds MS_RDONLY to a bind mount, keeping the flags a user namespace may not drop. */
static void remount_readonly(const char *target)
{
	unsigned long flags = MS_REMOUNT | MS_BIND | MS_RDONLY;
	struct statvfs st;

	if (statvfs(target, &st) < 0)
		bail("statvfs %s", target);
	if (st.f_flag & ST_NOSUID)
		flags |= MS_NOSUID;
	if (st.f_flag & ST_NODEV)
		flags |= MS_NODEV;
	if (st.f_flag & ST_NOEXEC)
		flags |= MS_NOEXEC;
	if (st.f_flag & ST_NOATIME)
		flags |= MS_NOATIME;
	if (st.f_flag & ST_NODIRATIME)
		flags |= MS_NODIRATIME;
	if (st.f_flag & ST_RELATIME)
		flags |= MS_RELATIME;
	if (mount(NULL, target, NULL, flags, NULL) < 0)
		bail("remount %s read-only", target);
}

/* Binds the host's file SRC over PATH in the rootfs, read-only. */
static void bind_host_file(int root, const char *src, const char *path)
{
	int fd;

	if (access(src, R_OK) < 0)
		return; /* nothing to share */
	fd = ensure_file(root, path, 0);
	if (fd < 0) {
		warn("rootfs: %s is a dangling symlink; not binding the host's file over it", path);
		return;
	}
	need_room(path);
	if (mount(src, fd_path(fd), NULL, MS_BIND, NULL) < 0)
		bail("bind %s over the rootfs's %s", src, path);
	close(fd);
	remember_mounted(path);
	fd = open_in_root(root, path, O_PATH); /* now the bind mount itself */
	if (fd < 0)
		bail("rootfs: reopen %s", path);
	remount_readonly(fd_path(fd));
	close(fd);
}

/* Binds PATH (inside ROOT) onto itself read-only, or SRC over it; absent paths are skipped. */
static void protect(int root, const char *path, const char *src)
{
	int fd = open_in_root(root, path, O_PATH | O_NOFOLLOW);

	if (fd < 0)
		return;
	if (mount(src ? src : fd_path(fd), fd_path(fd), NULL, MS_BIND | MS_REC, NULL) < 0)
		bail("protect %s", path);
	close(fd);
	if (src)
		return;
	fd = open_in_root(root, path, O_PATH | O_NOFOLLOW); /* the bind mount itself */
	if (fd < 0)
		bail("rootfs: reopen %s", path);
	remount_readonly(fd_path(fd));
	close(fd);
}

/*
 * runc's defaults (libcontainer/specconv: readonlyPaths, maskedPaths): as
 * real root with the identity mapping, uid 0 inside passes the permission
 * checks of /proc/sysrq-trigger and friends, so they are made read-only or
 * hidden; rootless, the kernel already refuses.
 */
static const char *const proc_readonly[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
					    "/proc/sysrq-trigger"};
static const char *const proc_masked[] = {"/proc/kcore", "/proc/keys", "/proc/timer_list"};

static void mount_proc(int root, enum proc_mode mode)
{
	int fd;
	unsigned i;

	if (mode == PROC_NONE)
		return;
	fd = ensure_dir(root, "/proc", 0);
	need_room("/proc");
	if (mode == PROC_BIND) {
		/*
		 * A fresh procfs was refused (the probe found out): the caller's
		 * /proc with its submounts, whose masks the container runtime set
		 * already (rootless podman, buildah's chroot isolation). It shows
		 * the caller's PID namespace, not the sandbox's.
		 */
		if (mount("/proc", fd_path(fd), NULL, MS_BIND | MS_REC, NULL) < 0)
			bail("bind the host's /proc over the rootfs's /proc");
		close(fd);
		remember_mounted("/proc");
		return;
	}
	/* Needs our new PID namespace: this runs in its PID 1. */
	if (mount("proc", fd_path(fd), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		bail("mount /proc (a fresh procfs; Strata's probe said it would work)");
	close(fd);
	remember_mounted("/proc");
	for (i = 0; i < sizeof(proc_readonly) / sizeof(proc_readonly[0]); i++)
		protect(root, proc_readonly[i], NULL);
	for (i = 0; i < sizeof(proc_masked) / sizeof(proc_masked[0]); i++)
		protect(root, proc_masked[i], "/dev/null");
}

/*
 * A tmpfs /dev with the host's device nodes bound in (an unprivileged user
 * namespace may not mknod them; bubblewrap does the same), a private devpts,
 * /dev/shm and the usual links (runc's default devices).
 */
static void mount_dev(int root)
{
	static const char *const devices[] = {"null", "zero", "full", "random", "urandom", "tty"};
	static const char *const links[][2] = {
		{"ptmx", "pts/ptmx"},	     {"fd", "/proc/self/fd"},	     {"stdin", "/proc/self/fd/0"},
		{"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"}, {"core", "/proc/kcore"},
	};
	char target[64], host[64];
	unsigned i;
	int fd;

	fd = ensure_dir(root, "/dev", 0);
	need_room("/dev");
	if (mount("tmpfs", fd_path(fd), "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=65536k") < 0)
		bail("mount tmpfs on /dev");
	close(fd);
	remember_mounted("/dev");
	fd = open_in_root(root, "/dev", O_PATH | O_DIRECTORY | O_NOFOLLOW); /* the tmpfs */
	if (fd < 0)
		bail("rootfs: open /dev");

	for (i = 0; i < sizeof(devices) / sizeof(devices[0]); i++) {
		int f = openat(fd, devices[i], O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0666);

		if (f < 0)
			bail("create /dev/%s", devices[i]);
		close(f);
		snprintf(host, sizeof(host), "/dev/%s", devices[i]);
		snprintf(target, sizeof(target), "%s/%s", fd_path(fd), devices[i]);
		if (mount(host, target, NULL, MS_BIND, NULL) < 0)
			bail("bind %s", host);
	}
	if (mkdirat(fd, "pts", 0755) < 0 || mkdirat(fd, "shm", 01777) < 0)
		bail("mkdir /dev/pts, /dev/shm");
	snprintf(target, sizeof(target), "%s/pts", fd_path(fd));
	if (mount("devpts", target, "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=620") < 0)
		bail("mount devpts on /dev/pts");
	snprintf(target, sizeof(target), "%s/shm", fd_path(fd));
	if (mount("shm", target, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=65536k") < 0)
		bail("mount tmpfs on /dev/shm");
	for (i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (symlinkat(links[i][1], fd, links[i][0]) < 0)
			bail("symlink /dev/%s", links[i][0]);
	close(fd);
}

/* Binds M's host file or directory over its target (MS_REC: with what is mounted below it). */
static void bind_extra(int root, const struct extra_mount *m)
{
	struct stat st;
	int fd;

	if (stat(m->source, &st) < 0)
		bail("bind mount source %s", m->source);
	fd = S_ISDIR(st.st_mode) ? ensure_dir(root, m->target, 1) : ensure_file(root, m->target, 1);
	if (fd < 0)
		die("rootfs: %s is a dangling symlink; refusing to bind %s over it", m->target, m->source);
	need_room(m->target);
	if (mount(m->source, fd_path(fd), NULL, MS_BIND | MS_REC, NULL) < 0)
		bail("bind %s over the rootfs's %s", m->source, m->target);
	close(fd);
	remember_mounted(m->target);
	if (!m->readonly)
		return;
	/* Only the top mount turns read-only; one below the source stays as it is (mount(2) MS_REMOUNT). */
	fd = open_in_root(root, m->target, O_PATH); /* the bind mount itself */
	if (fd < 0)
		bail("rootfs: reopen %s", m->target);
	remount_readonly(fd_path(fd));
	close(fd);
}

/* nosuid,nodev as docker's --tmpfs and BuildKit's type=tmpfs; exec stays allowed as in BuildKit. */
static void tmpfs_extra(int root, const struct extra_mount *m)
{
	unsigned long flags = MS_NOSUID | MS_NODEV | (m->readonly ? MS_RDONLY : 0);
	char data[64];
	int fd;

	if (m->has_size)
		snprintf(data, sizeof(data), "mode=%o,size=%llu", m->mode, m->size);
	else
		snprintf(data, sizeof(data), "mode=%o", m->mode);
	fd = ensure_dir(root, m->target, 1);
	need_room(m->target);
	if (mount("tmpfs", fd_path(fd), "tmpfs", flags, data) < 0)
		bail("mount tmpfs (%s) on %s", data, m->target);
	close(fd);
	remember_mounted(m->target);
}

/* pivot_root(".", ".") then detach the old root: pivot_root(2), NOTES. */
static void pivot(int root)
{
	if (fchdir(root) < 0)
		bail("chdir to the rootfs");
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		bail("pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		bail("detach the old root");
	if (chdir("/") < 0)
		bail("chdir /");
}

void setup_rootfs(struct config *c)
{
	int root, i;

	if (!c->rootfs)
		die("run needs --rootfs");
	/* Nothing we mount may propagate out (the enter namespace made / a slave). */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		bail("make / private");
	/* pivot_root needs the new root to be a mount point. */
	if (mount(c->rootfs, c->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		bail("bind the rootfs %s", c->rootfs);
	root = open(c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		bail("open the rootfs %s", c->rootfs);
	setup_root = root;
	mount_proc(root, c->proc);
	mount_dev(root);
	if (!c->network_none) {
		bind_host_file(root, "/etc/resolv.conf", "/etc/resolv.conf");
		bind_host_file(root, "/etc/hosts", "/etc/hosts");
	}
	for (i = 0; i < c->n_mounts; i++) {
		if (c->mounts[i].kind == MOUNT_BIND)
			bind_extra(root, &c->mounts[i]);
		else
			tmpfs_extra(root, &c->mounts[i]);
	}
	setup_root = -1; /* from here on the paths resolve in our own root */
	pivot(root);
	close(root);
}

/*
 * The chroot isolation without a mount namespace (Docker's default
 * capabilities have no CAP_SYS_ADMIN): no mounts at all. /dev gets the
 * usual character devices by mknod(2) where CAP_MKNOD allows it and the
 * rootfs lacks them, removed after the command as mount points are; /proc
 * stays whatever the rootfs holds (the progress line says so). Then
 * chroot(2), as buildah's chroot isolation and kaniko run a step: the
 * container is the boundary.
 */
void setup_chroot(struct config *c)
{
	static const struct {
		const char *name;
		unsigned major, minor;
	} devices[] = {{"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7}, {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}};
	char path[64];
	struct stat st;
	unsigned i;
	int root, dev;

	if (!c->rootfs)
		die("run needs --rootfs");
	root = open(c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		bail("open the rootfs %s", c->rootfs);
	setup_root = root;
	dev = ensure_dir(root, "/dev", 0);
	close(dev);
	dev = open_in_root(root, "/dev", O_PATH | O_DIRECTORY | O_NOFOLLOW);
	if (dev < 0)
		bail("rootfs: open /dev");
	for (i = 0; i < sizeof(devices) / sizeof(devices[0]); i++) {
		snprintf(path, sizeof(path), "/dev/%s", devices[i].name);
		if (fstatat(dev, devices[i].name, &st, AT_SYMLINK_NOFOLLOW) == 0)
			continue;
		need_room(path);
		stat_parent(dev, ".", &st);
		if (mknodat(dev, devices[i].name, S_IFCHR | 0666, makedev(devices[i].major, devices[i].minor)) < 0)
			continue; /* no CAP_MKNOD: the command goes without it */
		remember_created(path, 0, &st); /* first, so that a failure below removes it */
		if (fchmodat(dev, devices[i].name, 0666, 0) < 0) /* whatever the umask */
			bail("chmod %s", path);
	}
	close(dev);
	setup_root = -1;
	if (fchdir(root) < 0 || chroot(".") < 0 || chdir("/") < 0)
		bail("chroot into the rootfs %s", c->rootfs);
	close(root);
}

/*
 * Called by bail() and die(): a failed setup (a bad --mount, a symlinked
 * /dev) must not leave the mount points made so far in the rootfs either.
 * Before pivot_root the paths are resolved inside the rootfs again.
 */
void undo_failed_setup(void)
{
	char parent[PATH_MAX];
	const char *name;
	int i, fd, root = setup_root;

	setup_root = -1; /* once, even if this fails */
	if (root < 0)
		return;
	for (i = n_undo - 1; i >= 0; i--) {
		if (undo[i].step == MOUNTED) {
			fd = open_in_root(root, undo[i].path, O_PATH);
			if (fd >= 0 && umount2(fd_path(fd), MNT_DETACH) < 0)
				warn("rootfs: unmount %s after the failure: %s", undo[i].path, strerror(errno));
			if (fd >= 0)
				close(fd);
			continue;
		}
		name = split_parent(undo[i].path, parent, sizeof(parent));
		fd = open_in_root(root, parent, O_PATH | O_DIRECTORY);
		if (fd < 0)
			continue;
		if (unlinkat(fd, name, undo[i].step == CREATED_DIR ? AT_REMOVEDIR : 0) < 0)
			warn("rootfs: remove %s after the failure: %s", undo[i].path, strerror(errno));
		else
			utimensat(AT_FDCWD, fd_path(fd), undo[i].parent_times, 0);
		close(fd);
	}
}

/*
 * Undoes what setup_rootfs() did, newest (deepest) first; best effort. The
 * paths resolve in the new root, so whatever the command did to them,
 * nothing outside the rootfs and its mounts is touched. A directory the
 * command wrote into stays, as its files do.
 */
void remove_created_mountpoints(void)
{
	char parent[PATH_MAX];
	int i, n;

	for (i = n_undo - 1; i >= 0; i--) {
		switch (undo[i].step) {
		case MOUNTED:
			for (n = 0; n < 16 && umount2(undo[i].path, MNT_DETACH) == 0; n++)
				; /* the command may have stacked more on it */
			break;
		case CREATED_DIR:
		case CREATED_FILE:
			if ((undo[i].step == CREATED_DIR ? rmdir(undo[i].path) : unlink(undo[i].path)) == 0) {
				split_parent(undo[i].path, parent, sizeof(parent));
				utimensat(AT_FDCWD, parent, undo[i].parent_times, 0);
			}
			break;
		}
	}
}
