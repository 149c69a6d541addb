// SPDX-License-Identifier: MIT
/*
 * Running getent(1) for identity_lookup.c: one query a process, with
 * nothing of the caller's but its credentials, a deadline and a cap on
 * what is kept of its output (see getent_run.h).
 */
#include "getent_run.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "util.h"

/*
 * getent's whole environment. Nothing of the caller's reaches it: sockjail
 * often runs as root, and LD_PRELOAD, LD_LIBRARY_PATH or a locale from
 * the caller must not load code into a process that runs with its
 * credentials. Numbers are printed the same in every locale.
 */
static char *const getent_env[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL };

/*
 * The child's side, between vfork() and execve(): only system calls, on
 * its own stack; an error goes to *exec_errno, in the parent's memory.
 * The supervisor blocks the signals it forwards and ignores SIGPIPE:
 * getent gets the defaults back, so that ^C or a closed pipe ends it.
 * Every fd of ours above 2 is closed (an inherited listening socket,
 * --info-fd), not only the O_CLOEXEC ones.
 */
static _Noreturn void exec_getent(const char *getent, char *const argv[], int out, volatile int *exec_errno)
{
	sigset_t none;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	/* Above 2, so that placing 0, 1 and 2 cannot close it (or out, which is above 2 already). */
	if (null >= 0 && null < 3)
		null = fcntl(null, F_DUPFD_CLOEXEC, 3);
	if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(null, 2) < 0 ||
	    close_range(3, ~0U, 0) < 0)
		goto fail;
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL); /* SIGKILL, SIGSTOP and glibc's own refuse: nothing to undo there */
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0)
		goto fail;
	execve(getent, argv, getent_env);
fail:
	*exec_errno = errno ? errno : EIO;
	_exit(127);
}

/*
 * vfork(): no page tables copied (a fork() of the supervisor costs more
 * than getent itself), and exec's errno comes back before vfork()
 * returns here. Every signal is blocked across it: a handler of the
 * caller's must not run in the child, on memory it shares with us,
 * before the child has set the dispositions back to the defaults.
 */
static int spawn_getent(const char *getent, char *const argv[], int out, pid_t *pid)
{
	volatile int exec_errno = 0;
	sigset_t all, old;
	sigfillset(&all);
	if (sigprocmask(SIG_SETMASK, &all, &old) < 0)
		return -errno;
	pid_t child = vfork();
	if (child == 0)
		exec_getent(getent, argv, out, &exec_errno);
	int e = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (child < 0)
		return -e;
	if (exec_errno) {
		while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
			;
		return -exec_errno;
	}
	*pid = child;
	return 0;
}

int identity_getent_start(const char *getent, const char *database, const char *key, int timeout_ms,
			  struct identity_getent_query *q)
{
	int p[2];
	pid_t pid;
	int r;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	_cleanup_close_ int rd = p[0];
	_cleanup_close_ int wr = p[1];
	/* The write end becomes getent's fd 1 after /dev/null took fd 0: it must not be 0 itself. */
	if (wr < 3) {
		int moved = fcntl(wr, F_DUPFD_CLOEXEC, 3);
		if (moved < 0)
			return -errno;
		close(wr);
		wr = moved;
	}
	if (fcntl(rd, F_SETFL, O_NONBLOCK) < 0)
		return -errno;
	/* "--": a name from a directory could start with '-'. */
	char *const argv[] = { "getent", (char *)database, "--", (char *)key, NULL };
	if ((r = spawn_getent(getent, argv, wr, &pid)) < 0)
		return r;
	int pidfd = sys_pidfd_open(pid, 0);
	if (pidfd < 0) {
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		return pidfd;
	}
	clock_gettime(CLOCK_MONOTONIC, &q->deadline);
	q->deadline.tv_sec += timeout_ms / 1000;
	q->deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (q->deadline.tv_nsec >= 1000000000L) {
		q->deadline.tv_sec++;
		q->deadline.tv_nsec -= 1000000000L;
	}
	q->pid = pid;
	q->pidfd = pidfd;
	q->out = TAKE_FD(rd);
	return 0;
}

static int remaining_ms(const struct timespec *deadline)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	int64_t ms = ((int64_t)deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms <= 0 ? 0 : ms > INT_MAX ? INT_MAX : (int)ms;
}

/*
 * Reads what the pipe holds now into a (room for SJ_GETENT_OUTPUT_MAX
 * bytes and a NUL), dropping the rest. Returns 1 at end of file, 0 when
 * the pipe is empty, or a negative errno.
 */
static int read_output(int fd, struct identity_getent_answer *a)
{
	char drop[4096];
	for (;;) {
		char *dst = drop;
		size_t room = sizeof(drop);
		if (a->len < SJ_GETENT_OUTPUT_MAX) {
			dst = a->out + a->len;
			room = SJ_GETENT_OUTPUT_MAX - a->len;
		}
		ssize_t n = read(fd, dst, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		if (n == 0)
			return 1;
		if (dst == drop)
			a->truncated = true;
		else
			a->len += (size_t)n;
	}
}

void identity_getent_cancel(struct identity_getent_query *q)
{
	if (q->pid <= 0)
		return;
	sys_pidfd_send_signal(q->pidfd, SIGKILL);
	while (waitpid(q->pid, NULL, 0) < 0 && errno == EINTR)
		;
	close(q->pidfd);
	close(q->out);
	q->pid = 0;
	q->pidfd = q->out = -1;
}

void identity_getent_answer_free(struct identity_getent_answer *a)
{
	free(a->out);
	a->out = NULL;
	a->len = 0;
}

int identity_getent_finish(struct identity_getent_query *q, struct identity_getent_answer *a)
{
	struct identity_getent_answer ans = { .out = malloc(SJ_GETENT_OUTPUT_MAX + 1) };
	bool eof = false, exited = false;
	int r = ans.out ? 0 : -ENOMEM;

	/*
	 * Until getent has exited, not only until end of file: whatever an NSS
	 * module started could hold the pipe open after getent is gone.
	 */
	while (r == 0 && !exited) {
		struct pollfd p[2] = { { .fd = q->pidfd, .events = POLLIN }, { .fd = eof ? -1 : q->out, .events = POLLIN } };
		int ms = remaining_ms(&q->deadline);
		if (ms == 0) {
			ans.timed_out = true;
			break;
		}
		if (poll(p, 2, ms) < 0) {
			r = errno == EINTR ? 0 : -errno;
			continue;
		}
		if (p[1].revents) {
			int got = read_output(q->out, &ans);
			r = got < 0 ? got : 0;
			eof = got == 1;
		}
		if (p[0].revents)
			exited = true;
	}
	/* What it wrote before it exited is in the pipe already. */
	if (r == 0 && exited && !eof) {
		int got = read_output(q->out, &ans);
		r = got < 0 ? got : 0;
	}
	if (!exited)
		sys_pidfd_send_signal(q->pidfd, SIGKILL);
	while (waitpid(q->pid, &ans.status, 0) < 0 && errno == EINTR)
		;
	close(q->pidfd);
	close(q->out);
	q->pid = 0;
	q->pidfd = q->out = -1;
	if (r < 0) {
		free(ans.out);
		return r;
	}
	ans.out[ans.len] = '\0';
	*a = ans;
	return 0;
}
