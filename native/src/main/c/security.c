/*
 * security.c: what a command in the sandbox may do besides what its ids
 * allow (DESIGN.md "What a step can reach"): a capability set, Docker's by
 * default, and podman's default seccomp profile (seccomp_profile.c).
 *
 * The order is runc's (libcontainer/standard_init_linux.go): without
 * no_new_privs, loading a filter needs CAP_SYS_ADMIN, so the filter goes in
 * first, while the command's process still has it; then the bounding set is
 * cut, the ids change, and the effective and permitted sets are set last.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/capability.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "nshelper.h"
#include "seccomp_profile.h"

/* The profile's architecture names are Go's (runtime.GOARCH). */
#if defined(__x86_64__)
#define GO_ARCH "amd64"
#elif defined(__aarch64__)
#define GO_ARCH "arm64"
#elif defined(__s390x__)
#define GO_ARCH "s390x"
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define GO_ARCH "ppc64le"
#elif defined(__riscv) && __riscv_xlen == 64
#define GO_ARCH "riscv64"
#else
#define GO_ARCH "unknown"
#endif

/* The highest capability this kernel knows; PR_CAPBSET_DROP of a higher one fails. */
static int last_cap(void)
{
	char value[16], *end;
	long n;

	if (read_small_file("/proc/sys/kernel/cap_last_cap", value, sizeof(value)) < 0)
		return CAP_LAST_CAP;
	errno = 0;
	n = strtol(value, &end, 10);
	if (end == value || errno || (*end && *end != '\n'))
		return CAP_LAST_CAP;
	return n > 0 && n < 64 ? (int)n : CAP_LAST_CAP;
}

static int listed(const char *const *names, const char *name)
{
	for (; names && *names; names++)
		if (strcmp(*names, name) == 0)
			return 1;
	return 0;
}

/* containers/common seccomp: a rule applies when all its includes hold and none of its excludes. */
static int rule_applies(const struct sc_rule *r, unsigned long long caps)
{
	if (r->arches && !listed(r->arches, GO_ARCH))
		return 0;
	if (listed(r->not_arches, GO_ARCH))
		return 0;
	if ((caps & r->caps) != r->caps)
		return 0;
	return (caps & r->not_caps) == 0;
}

static void add_rule(scmp_filter_ctx ctx, const struct sc_rule *r, const char *name, uint32_t action)
{
	struct scmp_arg_cmp args[6];
	int nr = seccomp_syscall_resolve_name(name), i, j, rc, shared = 0;

	if (nr == __NR_SCMP_ERROR)
		return; /* unknown to this libseccomp: containers/common skips it too */
	for (i = 0; i < r->n_args; i++) {
		args[i] = (struct scmp_arg_cmp){r->args[i].index, r->args[i].op, r->args[i].value, r->args[i].value_two};
		for (j = 0; j < i; j++)
			shared |= r->args[j].index == r->args[i].index;
	}
	/* containers/common: conditions on one argument index are separate rules, others are ANDed. */
	if (shared) {
		for (i = 0; i < r->n_args; i++)
			if ((rc = seccomp_rule_add_array(ctx, action, nr, 1, &args[i])) < 0)
				goto fail;
		return;
	}
	if ((rc = seccomp_rule_add_array(ctx, action, nr, (unsigned)r->n_args, args)) < 0)
		goto fail;
	return;
fail:
	errno = -rc;
	bail("seccomp: add the rule for %s", name);
}

/*
 * Loads podman's default profile, its capability conditions evaluated
 * against CAPS, as containers/common does with the container's bounding
 * set. No no_new_privs (libseccomp would set it by default): neither
 * docker nor podman sets it unless asked, and setuid programs of an image
 * (su, ping) keep working within the bounding set.
 */
void install_seccomp(unsigned long long caps)
{
	uint32_t default_action = SCMP_ACT_ERRNO(sc_default_errno);
	uint32_t native = seccomp_arch_native();
	scmp_filter_ctx ctx = seccomp_init(default_action);
	int i, j, rc;

	if (!ctx)
		die("seccomp: cannot make a filter (libseccomp)");
	if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0)) < 0)
		goto fail;
	for (i = 0; i < sc_n_archs; i++) {
		if (sc_archs[i].arch != native)
			continue;
		for (j = 0; sc_archs[i].sub[j]; j++)
			if ((rc = seccomp_arch_add(ctx, sc_archs[i].sub[j])) < 0 && rc != -EEXIST)
				goto fail;
	}
	for (i = 0; i < sc_n_rules; i++) {
		const struct sc_rule *r = &sc_rules[i];
		uint32_t action = r->allow ? SCMP_ACT_ALLOW : SCMP_ACT_ERRNO(r->errno_ret);

		if (!rule_applies(r, caps) || action == default_action)
			continue; /* libseccomp refuses a rule that says what the default says */
		for (j = 0; r->names[j]; j++)
			add_rule(ctx, r, r->names[j], action);
	}
	/* libseccomp 2.5 reports the kernel's EACCES as ECANCELED */
	if ((rc = seccomp_load(ctx)) == -EACCES || rc == -ECANCELED) {
		/*
		 * The chroot isolation as root without CAP_SYS_ADMIN (Docker's
		 * default capabilities): the kernel loads a filter only with
		 * no_new_privs, as runc does for a container without it; setuid
		 * programs of the image then run without their privilege.
		 */
		if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 1)) == 0)
			rc = seccomp_load(ctx);
	}
	if (rc < 0)
		goto fail;
	seccomp_release(ctx);
	return;
fail:
	seccomp_release(ctx);
	errno = -rc;
	bail("seccomp: load the profile");
}

/* capabilities(7), by number, for the warning below. */
static const char *const cap_names[] = {
	"CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
	"SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
	"IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
	"SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD",
	"LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG",
	"WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
};

/*
 * CAPS cut to the bounding set this process holds. In a user namespace of
 * our own that set is full; as real root (the chroot isolation, root with
 * CAP_SYS_ADMIN) it is the container's, and a capability the container was
 * not granted (podman's defaults lack Docker's MKNOD, NET_RAW, AUDIT_WRITE)
 * cannot be handed on: capset(2) would refuse. The step goes without it, and
 * one line says which, so that it is never silently weaker.
 */
unsigned long long held_caps(unsigned long long caps)
{
	unsigned long long held = 0, missing;
	char names[1024] = "";
	size_t used = 0;
	int cap, last = last_cap();

	for (cap = 0; cap <= last; cap++)
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1)
			held |= CAP_BIT(cap);
	for (cap = last + 1; cap < 64; cap++)
		held |= CAP_BIT(cap); /* unknown to this kernel: ignored anyway (protocol.h --caps) */
	missing = caps & ~held;
	if (!missing)
		return caps;
	for (cap = 0; cap <= last && used < sizeof(names) - 32; cap++) {
		if (!(missing & CAP_BIT(cap)))
			continue;
		if (cap < (int)(sizeof(cap_names) / sizeof(cap_names[0])))
			used += (size_t)snprintf(names + used, sizeof(names) - used, "%sCAP_%s", used ? ", " : "",
						 cap_names[cap]);
		else
			used += (size_t)snprintf(names + used, sizeof(names) - used, "%scapability %d",
						 used ? ", " : "", cap);
	}
	warn("warning: the command goes without %s, which this process's bounding set (the container's) lacks",
	     names);
	return caps & held;
}

/* Cuts the bounding set to CAPS: what no exec, setuid program or file capability can exceed. */
void drop_bounding(unsigned long long caps)
{
	int cap, last = last_cap();

	for (cap = 0; cap <= last; cap++)
		if (!(caps & CAP_BIT(cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			bail("drop capability %d from the bounding set", cap); /* EINVAL: unknown to this kernel */
}

/*
 * After the ids changed: uid 0 gets CAPS as effective and permitted set;
 * any other user none (the kernel already cleared them at setresuid),
 * as moby's oci.SetCapabilities gives a non-root user only the bounding
 * set. Inheritable and ambient stay empty (CVE-2022-24769: docker and
 * podman used to leave inheritable ones, which file capabilities could
 * turn into permitted ones).
 */
void set_capabilities(unsigned long long caps, uid_t uid)
{
	struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[2];
	unsigned long long keep = uid == 0 ? caps : 0;
	int cap, last = last_cap();

	for (cap = last + 1; cap < 64; cap++)
		keep &= ~CAP_BIT(cap);
	memset(data, 0, sizeof(data));
	data[0].effective = data[0].permitted = (uint32_t)keep;
	data[1].effective = data[1].permitted = (uint32_t)(keep >> 32);
	if (syscall(SYS_capset, &header, data) < 0)
		bail("set capabilities");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		bail("clear ambient capabilities");
}
