// SPDX-License-Identifier: MIT
/*
 * --restart in the sandbox's init. What must not go away between two
 * COMMANDs is held here, in PID 1, which lives as long as the sandbox:
 * the network namespace and /run (init's own), and the --listen sockets,
 * made once and passed to each COMMAND again. A client that connects in
 * the gap waits in the listen backlog; a process outside never sees the
 * address free.
 */
#include "restart.h"
#include "sdnotify_relay.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "landlock.h"
#include "listen_fds.h"
#include "log.h"
#include "proc_policy.h"
#include "reaper.h"
#include "restart_policy.h"

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Init's share of COMMAND's set-up, done once. Landlock first, in init:
 * every COMMAND then inherits the one domain the sockets were made in (a
 * domain of its own per restart would be a sibling, and Landlock's
 * abstract-socket scope would keep it from its own sockets).
 */
static int *hold_listen_sockets(const struct sj_sandbox *sb)
{
	const char *step = NULL, *what = NULL;
	int r;

	if ((r = landlock_apply(sb->s, sb->landlock_abi, &step)) < 0)
		die_errno(r, "%s", step);
	/* One notify socket for every COMMAND, bound in the same Landlock domain. */
	if ((r = sdnotify_relay_child(sb->sdnotify)) < 0)
		die_errno(r, "NOTIFY_SOCKET: binding the relay's socket %s", sb->sdnotify->name);
	int *held = calloc(sb->s->listen.n + 1, sizeof(*held));
	if (!held)
		die_errno(-ENOMEM, "init");
	/* Above the sync fd's slot, which each COMMAND's process fills. */
	if ((r = listen_fds_open(sb, held, sb->sync_child_fd + 1, &step, &what)) < 0)
		die_errno(r, "%s %s", step, what ? what : "");
	/* Bound: no COMMAND needs a way to the host's directories. */
	for (size_t i = 0; sb->listen_host && i < sb->s->listen.n; i++)
		if (sb->listen_host[i].parent_fd >= 0)
			close(sb->listen_host[i].parent_fd);
	return held;
}

/*
 * The previous COMMAND's processes go before the next COMMAND comes, as a
 * systemd service's control group does: a daemon it left would hold the
 * previous seccomp listener and compete for the sockets.
 */
static void kill_leftovers(void)
{
	kill(-1, SIGKILL);
	for (;;) {
		pid_t p = waitpid(-1, NULL, 0);
		if (p < 0 && errno != EINTR)
			break;
	}
}

static void report(int sync_fd, unsigned count, int wait_status)
{
	struct sj_restart_msg m = { .magic = SJ_RESTART_MSG_MAGIC, .count = count, .wait_status = wait_status };
	/* Without a supervisor there is nobody to tell; PDEATHSIG ends us anyway. */
	while (send(sync_fd, &m, sizeof(m), MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
}

/* Reap everything; returns true (and COMMAND's wait status) once COMMAND is among them. */
static bool reap(pid_t command, int *status)
{
	bool ended = false;
	for (;;) {
		int st;
		pid_t p = waitpid(-1, &st, WNOHANG);
		if (p <= 0)
			return ended;
		if (p == command) {
			*status = st;
			ended = true;
		}
	}
}

void restart_init_run(const struct sj_sandbox *sb, const sigset_t *set, pid_t (*start)(const struct sj_sandbox *sb))
{
	struct sj_sandbox run = *sb;
	run.listen_held = hold_listen_sockets(sb);

	int sfd = signalfd(-1, set, SFD_CLOEXEC);
	if (sfd < 0)
		die_errno(-errno, "init: signalfd");
	if (prctl(PR_SET_NAME, "sockjail-init", 0, 0, 0) < 0)
		die_errno(-errno, "PR_SET_NAME");

	pid_t command = start(&run);
	if (command < 0)
		die_errno(command, "fork");
	int last = 0;
	unsigned count = 0;
	bool stopping = false;
	int64_t due = -1; /* when the next COMMAND starts; -1: one is running */

	for (;;) {
		struct pollfd p = { .fd = sfd, .events = POLLIN };
		int timeout = -1;
		if (due >= 0) {
			int64_t left = due - now_ms();
			timeout = left > 0 ? (int)left : 0;
		}
		int n = poll(&p, 1, timeout);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die_errno(-errno, "init: poll");
		if (n == 0) {
			due = -1;
			if ((command = start(&run)) < 0)
				die_errno(command, "fork");
			continue;
		}
		struct signalfd_siginfo si;
		if (read(sfd, &si, sizeof(si)) != sizeof(si))
			die_errno(-errno, "init: read signalfd");
		if (si.ssi_signo != SIGCHLD) {
			/* The ways sockjail is asked to stop: no restart after them. */
			if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)
				stopping = true;
			if (command > 0) {
				if (proc_policy_forward_signal(si.ssi_code, reaper_same_pgrp(command)))
					kill(command, (int)si.ssi_signo);
			} else if (stopping) {
				_exit(proc_policy_exit_status(last));
			}
			continue;
		}
		if (command <= 0 || !reap(command, &last))
			continue;
		command = 0;
		if (!restart_wanted(sb->s->restart, last, stopping))
			/* Exiting ends the namespace; the kernel kills what is left. */
			_exit(proc_policy_exit_status(last));
		kill_leftovers();
		report(sb->sync[1], ++count, last);
		due = now_ms() + sb->s->restart_sec_ms;
	}
}
