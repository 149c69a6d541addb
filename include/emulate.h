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
	bool groups_set;   /* the executor's: it set them to host_groups */
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

/*
 * Thread tid's root, cwd and user and mount namespaces, as fds in t. The
 * caller must make sure tid still named its target after the opens (the
 * seccomp notification's ID_VALID, or the liveness of its pidfd).
 */
int emulate_target_fds(pid_t tid, struct sj_emulate_target *t);

/* Thread tid's ids, groups, capabilities and umask, translated (emulate_translate_ids()). Same caveat. */
int emulate_target_ids(pid_t tid, struct sj_emulate_target *t);

/* Both. */
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
 * The executor zygote as the supervisor holds it. Answers come on either
 * socket: answer_fd gets the executor's own, sent before it exits (so the
 * target runs on while the executor's exit and the zygote's wake-up are
 * still under way); fd gets the zygote's, for a request no executor
 * answered. Only fd tells of the zygote's end (EOF): an executor stuck in
 * a lookup holds a copy of answer_fd, never of fd.
 */
struct sj_zygote {
	pid_t pid; /* 0: none */
	int fd;	   /* requests out, the zygote's answers in */
	int answer_fd;
};

/*
 * The executor zygote: a process the supervisor forks once (lazily, on the
 * first executor request), connected by two SOCK_SEQPACKET socketpairs
 * (struct sj_zygote). For each request it vfork()s one executor and waits
 * for it; so only the zygote ever waits for a slow bind (a lookup on a
 * dead FUSE or NFS mount), never the supervisor. Requests are served one
 * at a time: later ones queue behind a stuck one. The zygote exits when
 * z->fd is closed, or with the supervisor.
 */
int emulate_zygote_start(const struct sj_emulate_config *cfg, struct sj_zygote *z);

/*
 * Close z's sockets and reap it (any part may be unset: -1, 0). idle: no
 * request is in flight, so it ends by itself, with its waiting executor
 * reaped; else (or if it has not ended after a second) SIGKILL it.
 */
void emulate_zygote_stop(struct sj_zygote *z, bool idle);

/* One bind for the zygote to perform. */
struct sj_emulate_request {
	uint64_t id;
	/*
	 * NULL: the executor opens the target's fds itself, from tid (checked
	 * with pidfd, a pidfd of that thread), and reads its ids, which
	 * follow in emulate_send_target() (read here meanwhile).
	 */
	const struct sj_emulate_target *t;
	pid_t tid;
	int pidfd;
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
	/*
	 * --abstract-bridge: connect() sock (a new socket of the supervisor's,
	 * in its own network namespace) to addr instead of binding: with the
	 * target's user namespace, ids, groups and capabilities only (not its
	 * mounts, root or Landlock rulesets, whose scope would refuse a name
	 * of the host's). check_run_dirs and rulesets must be unset.
	 */
	bool connect;
};

/*
 * Ask the zygote to perform rq (whose fds are passed, not taken: the
 * caller closes its own). Never blocks. Returns 0, or a negative errno
 * (EAGAIN: queue full).
 */
int emulate_send(int fd, const struct sj_emulate_request *rq);

/*
 * The ids of the target of the request just sent without one (rq->t
 * NULL; its fd fields are not used), or NULL when they could not be read:
 * the executor then refuses the request. Never blocks. 0, or a negative
 * errno: then the zygote's executor waits for a target that will not
 * come, and the caller must stop the zygote.
 */
int emulate_send_target(int fd, uint64_t id, const struct sj_emulate_target *t);

/*
 * Read one answer from fd (either of struct sj_zygote's) without
 * blocking: 1 with *id and *res set, 0 when none is waiting, -EPIPE (or
 * another negative errno) at EOF: the zygote is gone.
 */
int emulate_recv(int fd, uint64_t *id, struct sj_emulate_result *res);
