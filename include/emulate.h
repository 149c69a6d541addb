/* SPDX-License-Identifier: MIT */
/*
 * The bind executor: performs one allowed bind() for a sandboxed thread in a
 * short-lived process that takes on that thread's namespaces, root, cwd,
 * ids, groups, capabilities and umask, so the kernel applies exactly the
 * checks it would have applied to the thread itself.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "settings.h"

struct sj_emulate_result {
	int err;     /* 0 or the negative errno bind() gave */
	bool denied; /* refused by --pathname-bind run-dirs, not by the kernel */
};

/*
 * What the executor needs, gathered from /proc/<tid> by the supervisor
 * before it forks (and before its final SECCOMP_IOCTL_NOTIF_ID_VALID).
 */
struct sj_emulate_target {
	int root_fd, cwd_fd, userns_fd, mntns_fd; /* O_PATH / ns fds */
	uid_t uid[4]; /* real, effective, saved, fs */
	gid_t gid[4];
	gid_t groups[64];
	size_t n_groups;
	uint64_t cap_eff, cap_prm, cap_inh;
	mode_t umask;
};

/* Parse the text of /proc/<tid>/status into t's ids, groups, caps, umask. */
int emulate_parse_status(const char *text, struct sj_emulate_target *t);

/*
 * /proc/<tid>/status shows ids as the supervisor's user namespace sees
 * them, but the executor sets them after entering the target's: turn t's
 * ids into the target's own through its uid_map and gid_map (as read by
 * the supervisor, so "outside" is the supervisor's view too). A uid or gid
 * the maps do not cover fails with -EINVAL; such supplementary groups are
 * dropped (the target cannot name them either).
 */
int emulate_translate_ids(const char *uid_map, const char *gid_map, struct sj_emulate_target *t);

/* Open the fds and read the status of thread tid. */
int emulate_target_open(pid_t tid, struct sj_emulate_target *t);
void emulate_target_close(struct sj_emulate_target *t);

/*
 * Fork the executor. It binds sock to addr/addrlen and writes a struct
 * sj_emulate_result to the pipe whose read end is returned in *result_fd.
 * check_run_dirs: refuse (denied) a pathname whose directory is not beneath
 * a --run-dir. Returns 0 with *pid set, or a negative errno.
 */
int emulate_start(const struct sj_settings *s, int landlock_abi, const struct sj_emulate_target *t, int sock,
		  const void *addr, int addrlen, bool check_run_dirs, pid_t *pid, int *result_fd);
