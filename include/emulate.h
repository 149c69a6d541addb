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
	/*
	 * The groups as the supervisor's user namespace sees them (before
	 * emulate_translate_ids()): where the target's namespace forbids
	 * setgroups(), the executor may only go on if its own groups, which
	 * it then keeps, are exactly these.
	 */
	gid_t host_groups[64];
	size_t n_host_groups;
	bool groups_match; /* the executor's: its own groups are host_groups */
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

/* The longest address a request carries (SJ_SOCKADDR_MAX). */
#define SJ_EMULATE_ADDR_MAX 128
/* Landlock stacks at most 16 layers (LANDLOCK_MAX_NUM_LAYERS). */
#define SJ_EMULATE_MAX_RULESETS 16

/* What every executor of one zygote shares. */
struct sj_emulate_config {
	int landlock_abi;
	/*
	 * --pathname-bind run-dirs: O_PATH fds of the run-dirs, opened in the
	 * sandbox's mount namespace before COMMAND ran, so the check is made
	 * on those inodes, not on paths the target resolves in a root (or
	 * mount namespace) of its own choosing. NULL/0: no check.
	 */
	const int *run_dir_fds;
	size_t n_run_dirs;
};

/*
 * The executor zygote: a process the supervisor forks once (lazily, on the
 * first executor request), connected by a SOCK_SEQPACKET socketpair whose
 * supervisor end is returned in *fd. For each request it vfork()s one
 * executor, waits for it and answers; so only the zygote ever waits for a
 * slow bind (a lookup on a dead FUSE or NFS mount), never the supervisor.
 * Requests are served one at a time: later ones queue behind a stuck one.
 * The zygote exits when *fd is closed, or with the supervisor.
 */
int emulate_zygote_start(const struct sj_emulate_config *cfg, pid_t *pid, int *fd);

/* Close *fd, SIGKILL and reap *pid (either may be unset: -1, 0). */
void emulate_zygote_stop(pid_t *pid, int *fd);

/* One bind for the zygote to perform. */
struct sj_emulate_request {
	uint64_t id;
	const struct sj_emulate_target *t;
	int sock;
	const void *addr;
	int addrlen;
	/* Refuse (denied) a pathname whose directory is not beneath a run-dir fd. */
	bool check_run_dirs;
	/*
	 * The Landlock rulesets the target (or an ancestor) restricted itself
	 * with, in order: the executor restricts itself with each before it
	 * binds, so the target's own rules apply to the bind.
	 */
	const int *rulesets;
	size_t n_rulesets;
};

/*
 * Ask the zygote to perform rq (whose fds are passed, not taken: the
 * caller closes its own). Never blocks. Returns 0, or a negative errno
 * (EAGAIN: queue full).
 */
int emulate_send(int fd, const struct sj_emulate_request *rq);

/*
 * Read one answer without blocking: 1 with *id and *res set, 0 when none is
 * waiting, -EPIPE (or another negative errno) when the zygote is gone.
 */
int emulate_recv(int fd, uint64_t *id, struct sj_emulate_result *res);
