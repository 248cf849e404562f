/*
 * seccomp_profile.h: the shape of the seccomp profile table that
 * seccomp_profile.c (generated from podman's seccomp.json) fills and
 * seccomp.c turns into a filter. Fields follow the JSON profile's
 * (containers/common pkg/seccomp types.go).
 */
#ifndef STRATA_SECCOMP_PROFILE_H
#define STRATA_SECCOMP_PROFILE_H

#include <linux/capability.h>
#include <seccomp.h>

#define CAP_BIT(c) (1ULL << (c))

struct sc_arg {
	unsigned index;
	enum scmp_compare op;
	unsigned long long value, value_two;
};

/* One "syscalls" entry of the profile. */
struct sc_rule {
	const char *const *names; /* NULL-terminated */
	int allow;                /* else SCMP_ACT_ERRNO(errno_ret) */
	int errno_ret;
	int n_args;
	struct sc_arg args[6];
	const char *const *arches, *const *not_arches; /* includes/excludes.arches (Go names); NULL: any */
	unsigned long long caps, not_caps;             /* includes.caps (all needed), excludes.caps (any bars) */
};

/* archMap: a native architecture and the ones its processes may also call the kernel as. */
struct sc_arch {
	unsigned int arch;
	unsigned int sub[4]; /* 0-terminated */
};

extern const int sc_default_errno;
extern const struct sc_arch sc_archs[];
extern const int sc_n_archs;
extern const struct sc_rule sc_rules[];
extern const int sc_n_rules;

#endif
