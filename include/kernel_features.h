/* SPDX-License-Identifier: MIT */
/*
 * sockjail --features: what the running kernel offers of what sockjail
 * uses, and what each missing piece costs. features_probe() asks the
 * kernel (features.c); features_format() is pure (features_format.c) and
 * unit-tested with made-up kernels. (Not "features.h": that is glibc's.)
 */
#pragma once

#include <stdio.h>

/* A yes/no probe that may also fail to give an answer. */
enum sj_feat { SJ_FEAT_UNKNOWN = -1, SJ_FEAT_NO = 0, SJ_FEAT_YES = 1 };

struct sj_features {
	char kernel[65];	/* uname release */
	int landlock_abi;	/* 0 when unusable */
	int landlock_errno;	/* why it is 0: ENOSYS (not built), EOPNOTSUPP (off at boot) */
	enum sj_feat pidfd_thread;
	enum sj_feat sync_wake_up;
	enum sj_feat userns;	    /* root can make one */
	enum sj_feat userns_unpriv; /* an ordinary user can make one */
	long max_user_namespaces;   /* /proc/sys/user/max_user_namespaces, -1 if unreadable */
	int unpriv_userns_clone;    /* Debian's kernel.unprivileged_userns_clone, -1 if absent */
	int apparmor_restrict_userns; /* kernel.apparmor_restrict_unprivileged_userns, -1 if absent */
	enum sj_feat io_uring;
	int io_uring_errno;	/* why it is missing: ENOSYS, EPERM (kernel.io_uring_disabled) */
	enum sj_feat ia32;	/* SJ_FEAT_UNKNOWN: not an x86-64 kernel */
	int legacy_tiocsti;	/* dev.tty.legacy_tiocsti: 0, 1, or -1 if absent (before 6.2) */
};

/* Ask the running kernel. Never fails: what cannot be probed is UNKNOWN. */
void features_probe(struct sj_features *f);

/* One line per feature: "name: what was found; what it means". */
void features_format(const struct sj_features *f, FILE *out);
