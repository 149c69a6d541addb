/* SPDX-License-Identifier: MIT */
/*
 * --uid, --gid and --groups: the pure part. Parsing a value (a number or a
 * user/group name), splitting a --groups list, and deciding which ids
 * COMMAND gets once the names are known. The user database is read by
 * identity_lookup.c; nothing here does I/O.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "settings.h"

/* Most supplementary groups COMMAND may get (Linux's NGROUPS_MAX). */
#define SJ_GROUPS_MAX 65536

/*
 * An id as written: digits only (0 to 4294967294; (uid_t)-1 means
 * "unchanged" to the set*id() calls) or a name in the form useradd(8) and
 * groupadd(8) accept (letters, digits, '.', '_', '-', a trailing '$', not
 * starting with '-' or a digit-only string). On success sets *num and
 * *is_name = false, or *is_name = true (the name is arg itself).
 */
int identity_parse(const char *arg, unsigned *num, bool *is_name, char *err, size_t errlen);

/* Split "a,b,100" into items, each checked with identity_parse(). */
int identity_parse_groups(const char *arg, struct sj_strv *out, char *err, size_t errlen);

/*
 * --uid names a user and neither --gid nor --groups is given: COMMAND gets
 * the user's primary and supplementary groups from the user database, as
 * runuser(1) does.
 */
bool identity_wants_user_groups(const struct sj_settings *s);

/* What COMMAND runs as, resolved before anything is unshared. */
/* The kernel's default overflowuid/overflowgid: how an unmapped id shows. */
#define SJ_OVERFLOW_ID 65534

struct sj_identity {
	uid_t uid;
	gid_t gid;
	gid_t *groups;   /* supplementary groups, malloc'd */
	size_t n_groups;
	bool groups_given; /* by --groups or the user database (not "none") */
};

void identity_free(struct sj_identity *id);

/* Add gid to the list unless it is there already. */
int identity_add_group(struct sj_identity *id, gid_t gid);

/*
 * The gid_map root writes for --userns: root, gid and every supplementary
 * group, each mapped to itself once. Returns 0, -ENOSPC, or -E2BIG past
 * the kernel's 340 lines.
 */
int identity_format_gid_map(gid_t gid, const gid_t *groups, size_t n_groups, char *buf, size_t len);
