/* SPDX-License-Identifier: MIT */
/*
 * --other-sockets: the snapshot of the host's Unix sockets that start-up
 * and --exposure share (sock_diag, then where each pathname socket is in
 * the caller's view, then hide_plan's decisions), and covering the hidden
 * ones inside the sandbox.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "hide_plan.h"
#include "mount_plan.h"
#include "settings.h"
#include "sockdiag.h"

struct sj_sock_item {
	const struct sj_unix_sock *sock;
	/*
	 * Pathname found where it was bound: the canonical host path and its
	 * file (hide_prepare() checks only the directory, and leaves st zero).
	 */
	char *host_path;
	struct stat st;
	struct sj_sock_fate fate;
};

struct sj_hide_snapshot {
	struct sj_unix_sock_list socks;
	struct sj_sock_item *items; /* items[i] is socks.v[i] */
	struct sj_hide_list hide;   /* the SJ_REACH_HIDDEN ones, to cover */
};

/*
 * List the sockets of the caller's network namespace and decide each one
 * for these settings and this plan. abstract_scoped: landlock_scopes_abstract().
 * Returns 0 or a negative errno.
 */
int hide_snapshot(const struct sj_settings *s, const struct sj_mount_plan *plan, bool abstract_scoped,
		  struct sj_hide_snapshot *out);
void hide_snapshot_free(struct sj_hide_snapshot *snap);

/*
 * Start-up: the list of sockets to cover (empty with --other-sockets
 * visible, without asking the kernel). The same decisions as
 * hide_snapshot(), but each socket's directory is checked instead of its
 * file: hide_apply() checks the file it covers. Returns 0 or a negative
 * errno.
 */
int hide_prepare(const struct sj_settings *s, const struct sj_mount_plan *plan, struct sj_hide_list *out);

/*
 * In the sandbox's mount namespace, after the mount plan: cover each
 * listed socket that is still there with a read-only bind mount of an
 * unbound socket file, so connect() and sendto() get ECONNREFUSED.
 * Returns 0, or a negative errno with *failed set to the entry (SIZE_MAX:
 * making the cover failed).
 */
int hide_apply(const struct sj_hide_list *l, size_t *failed);
