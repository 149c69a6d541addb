/* SPDX-License-Identifier: MIT */
/*
 * What a sandbox can reach of the host's Unix sockets, decided without
 * touching the kernel from the settings, the mount plan and facts about
 * each socket gathered beforehand (hide.c). The same functions decide
 * which sockets start-up covers (--other-sockets hidden) and what
 * --exposure reports, so the two cannot disagree.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mount_plan.h"
#include "settings.h"

enum sj_reach {
	/* Reachable. */
	SJ_REACH_GRANTED, /* --run-socket, --run-dir, --bind/--ro-bind source, --show-socket */
	SJ_REACH_VISIBLE, /* in the sandbox's view and not covered: --other-sockets visible; abstract in a shared netns */
	/* Not reachable. */
	SJ_REACH_HIDDEN,        /* covered at start-up by --other-sockets hidden */
	SJ_REACH_COVERED,       /* not in the sandbox's view: /run's tmpfs, a --tmpfs, a --bind over it */
	SJ_REACH_ELSEWHERE,     /* not found at the path it was bound at (relative, unlinked, other mount ns) */
	SJ_REACH_PRIVATE_NETNS, /* abstract: the sandbox has its own network namespace */
	SJ_REACH_LANDLOCK,      /* abstract: Landlock's scope refuses connect() to it */
	SJ_REACH_PERMISSION,    /* in view, but its file's permissions refuse the sandbox's user */
};

/* "granted", "visible", "hidden", ... as --exposure prints them. */
const char *hide_reach_name(enum sj_reach r);
static inline bool hide_reach_reachable(enum sj_reach r)
{
	return r == SJ_REACH_GRANTED || r == SJ_REACH_VISIBLE;
}

struct sj_sock_fate {
	enum sj_reach reach;
	/* The setting that decided ("--bind", "/run", "--net none"), and its argument or NULL. */
	const char *origin;
	const char *origin_arg; /* points into the settings or the plan */
	/* Where the sandbox sees it (pathname, reachable or hidden); malloc'd, or NULL. */
	char *sandbox_path;
};

void hide_fate_free(struct sj_sock_fate *f);

/*
 * A pathname socket found at host_path (absolute, canonical: no symlink,
 * "." or ".." on the way) in the caller's view. Returns 0 or -ENOMEM.
 */
int hide_decide_path(const struct sj_settings *s, const struct sj_mount_plan *plan, const char *host_path,
		     struct sj_sock_fate *f);

/*
 * An abstract socket bound in the caller's network namespace. abstract_scoped:
 * landlock_scopes_abstract() for these settings on this kernel.
 */
void hide_decide_abstract(const struct sj_settings *s, bool abstract_scoped, struct sj_sock_fate *f);

/* The sockets start-up covers: a sandbox path and the inode expected there. */
struct sj_hide_entry {
	char *path;
	uint64_t ino;
};
struct sj_hide_list {
	struct sj_hide_entry *v;
	size_t n;
};

int hide_list_add(struct sj_hide_list *l, const char *path, uint64_t ino);
void hide_list_free(struct sj_hide_list *l);
