/* SPDX-License-Identifier: MIT */
/*
 * The supervisor's side of the seccomp listener: every bind() in the
 * sandbox arrives here. Denying is answered at once; allowing means
 * performing the bind on the supervisor's own copy of the socket and of
 * the address (never SECCOMP_USER_NOTIF_FLAG_CONTINUE, which would let
 * another thread change either after the check).
 */
#pragma once

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "learn.h"
#include "settings.h"

struct sj_notify;

struct sj_notify_config {
	const struct sj_settings *s;
	int landlock_abi;
	pid_t sandbox_pid;  /* any process in the sandbox's namespaces (init) */
	/*
	 * stat() of the sandbox's /proc/<pid>/ns/net, taken while its first
	 * process could not have exited yet; NULL: stat sandbox_pid's now.
	 */
	const struct stat *netns;
	FILE *audit;        /* NULL, or the --audit stream */
	int unpriv_port_start; /* ip_unprivileged_port_start of the sandbox's netns */
	struct sj_learned *learned; /* --learn: where to record what was used */
	/*
	 * --pathname-bind run-dirs: O_PATH fds of the run-dirs, opened by the
	 * sandbox in its own mount namespace before COMMAND ran (malloc'd
	 * array; notify_new() takes the array and the fds, even on failure).
	 */
	int *run_dir_fds;
	size_t n_run_dirs;
	pid_t command_pid; /* COMMAND's first process (ours numbering), 0 if unknown */
};

/* Takes ownership of listener and of cfg's run-dir fds. Returns 0 or a negative errno. */
int notify_new(const struct sj_notify_config *cfg, int listener, struct sj_notify **out);
void notify_free(struct sj_notify *n);

/* The fds to poll: the listener and one per bind executor under way. */
size_t notify_pollfds(struct sj_notify *n, struct pollfd *pfds, size_t max);

/*
 * Handle what poll() reported for the fds notify_pollfds() gave. Returns
 * 0, 1 if the policy asks for the sandbox to be killed (--on-deny kill),
 * or a negative errno if the listener itself failed.
 */
int notify_dispatch(struct sj_notify *n, const struct pollfd *pfds, size_t npfds);
