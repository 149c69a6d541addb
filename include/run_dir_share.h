/* SPDX-License-Identifier: MIT */
/*
 * --run-dir directories shared by several sandboxes. Every sockjail that
 * uses a run-dir holds a shared flock(2) on it for as long as it runs;
 * the kernel drops it when the process ends, however it ends (kill -9
 * too). At exit a sockjail removes a run-dir only if it can turn its lock
 * into an exclusive one, that is when no other running sockjail uses it,
 * and only if the directory is sockjail's: made by this run, or marked by
 * the run that made it with the extended attribute
 * trusted.sockjail.run-dir (root; only CAP_SYS_ADMIN may set it) or
 * user.sockjail.run-dir (rootless, on a directory the caller owns), so
 * that one left by a killed sockjail is recognised by the next run.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "hostpath.h"

struct sj_run_dir_hold {
	int fd;        /* O_RDONLY on the run-dir, holding the shared lock */
	int parent_fd; /* O_PATH on its parent, for the removal */
	char *name;
	dev_t dev;
	ino_t ino;
	bool ours;     /* made by this run, or marked by the run that made it */
};

struct sj_run_dir_share {
	struct sj_run_dir_hold *v;
	size_t n;
	bool root; /* the marker is trusted.*, else user.* */
};

/*
 * After the walk of a --run-dir (canon: its symlink-free path, made: the
 * list the walk appended to): lock it shared and mark it if this run made
 * it. Returns 0 or a negative errno; -ESTALE: the directory was removed
 * (by the last user of it) while we waited; walk again.
 */
int run_dir_share_hold(struct sj_run_dir_share *sh, int root_fd, const char *canon,
		       const struct sj_hostpath_made_list *made);

/* The fds the sandbox must close (host directories). Appends to fds; returns how many. */
size_t run_dir_share_fds(const struct sj_run_dir_share *sh, int *fds);

/*
 * At exit: remove each run-dir that is ours and that no other sockjail
 * holds, then what the walks made around them (made: hostpath's list),
 * an intermediate directory only when it is empty. Empties both.
 */
void run_dir_share_release(struct sj_run_dir_share *sh, struct sj_hostpath_made_list *made);
