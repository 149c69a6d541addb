/* SPDX-License-Identifier: MIT */
/*
 * What the supervisor prepares before anything is unshared, and what the
 * sandbox's init and COMMAND's process read (a copy, after clone()).
 */
#pragma once

#include <linux/filter.h>
#include <stdbool.h>
#include <sys/types.h>

#include "hide_plan.h"
#include "lo_up.h"
#include "mount_plan.h"
#include "settings.h"

struct sj_sdnotify_relay;

struct sj_sandbox {
	const struct sj_settings *s;
	char **command;
	char **envp;
	struct sj_mount_plan plan;
	struct sj_hide_list hide; /* --other-sockets hidden: listed after clone(), covered after the plan */
	struct sock_fprog filter; /* COMMAND's seccomp program (seccomp_filter_program()) */
	int landlock_abi;

	bool userns;       /* a new user namespace (rootless, or --userns) */
	/* lo's RTM_NEWLINK (lo_up.h), sent by init; len 0 with --net host. */
	struct sj_lo_request lo_req;
	/*
	 * clone() leaves the sandbox in our netns; the supervisor makes its
	 * new one (netns_make()) and sends it with "g" (handshake.h), to be
	 * joined before anything else happens in there: as root with no new
	 * user namespace, for --net none.
	 */
	bool netns_from_supervisor;
	uid_t caller_uid;  /* euid/egid of sockjail */
	gid_t caller_gid;
	uid_t uid;         /* COMMAND's ids, inside the sandbox's user namespace */
	gid_t gid;
	bool set_groups;   /* setgroups(2) is allowed: set groups (none unless given) */
	gid_t *groups;     /* COMMAND's supplementary groups (--groups, --uid USER) */
	size_t n_groups;
	bool uid_unmapped; /* no uid_map (idmap.h): COMMAND keeps the caller's uid */

	char *cwd;         /* the caller's cwd, re-entered after the mounts (NULL if none) */

	/*
	 * Inherited socket-activation fds (LISTEN_PID == our pid): fds
	 * 3..3+n_inherited-1, passed on first with their names.
	 */
	int n_inherited;
	char *inherited_names; /* "a:b" or NULL */

	/*
	 * SOCK_SEQPACKET pair, both ends O_CLOEXEC. The supervisor keeps [0].
	 * The start-up handshake (handshake.h) runs on it; then COMMAND's
	 * process hands the supervisor its seccomp listener fd.
	 */
	int sync[2];
	/*
	 * --pathname-bind run-dirs: SOCK_SEQPACKET pair (else -1, -1) on which
	 * init sends O_PATH fds of the run-dirs once mounted, and closes it.
	 */
	int run_dirs_sock[2];
	/* COMMAND's process moves sync[1] here: 3 + the number of activation fds. */
	int sync_child_fd;

	/*
	 * --restart: set by the sandbox's init, which applied Landlock and made
	 * the --listen sockets once (these fds, above sync_child_fd) for every
	 * COMMAND it starts. NULL: COMMAND's process does both itself.
	 */
	const int *listen_held;

	/* --run-socket's host directories (symlink-free), for run_socket_follow_send_dirs(). */
	const char *const *follow_dirs;
	size_t n_follow_dirs;
	/* The systemd notification relay (NOTIFY_SOCKET): the socket is bound in the sandbox. */
	const struct sj_sdnotify_relay *sdnotify;

	/* --listen unix: on the host (listen_fds.h), one entry per --listen; NULL if none. */
	struct sj_listen_host *listen_host;
	struct sj_listen_bound *listen_bound; /* MAP_SHARED with the supervisor */
	/* Host fds only the supervisor needs (cleanup): the sandbox closes them first. */
	int *host_fds;
	size_t n_host_fds;
};

/*
 * Runs in the cloned child, on its own copy of *sb, which it completes
 * (hide) from the handshake (handshake.h); never returns.
 */
__attribute__((noreturn)) void child_main(struct sj_sandbox *sb);
