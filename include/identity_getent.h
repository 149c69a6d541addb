/* SPDX-License-Identifier: MIT */
/*
 * What getent(1) prints for the user database, parsed. Pure: the output
 * comes in a buffer (getent_run.c runs getent and fills it).
 *
 * Each parser takes the bytes getent wrote and whether the reader stopped
 * keeping them (truncated: the output went on past len). A group with a
 * long member list is still usable cut short, as long as the fields
 * needed come before the cut; a cut initgroups list is not.
 * They return 0, -EBADMSG for output that is not what getent prints, or
 * (initgroups) -E2BIG / -ENOMEM, and leave their outputs untouched on
 * failure.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Longest user or group name kept (LOGIN_NAME_MAX - 1 on Linux). */
#define SJ_GETENT_NAME_MAX 255

struct sj_getent_user {
	uid_t uid;
	gid_t gid;
	char name[SJ_GETENT_NAME_MAX + 1]; /* as the user database spells it */
};

/* `getent passwd NAME`: one line, name:password:uid:gid:gecos:home:shell. */
int identity_getent_parse_passwd(const char *out, size_t len, bool truncated, struct sj_getent_user *user);

/* `getent group NAME`: one line, name:password:gid:members. */
int identity_getent_parse_group(const char *out, size_t len, bool truncated, gid_t *gid);

/*
 * `getent initgroups NAME`: one line, NAME (padded with spaces) then the
 * user's supplementary groups as decimal gids, without the primary group.
 * The line must name the user asked about. On success *gids (malloc'd,
 * NULL when there are none) holds *n gids, at most SJ_GROUPS_MAX.
 */
int identity_getent_parse_initgroups(const char *out, size_t len, bool truncated, const char *name, gid_t **gids,
				     size_t *n);
