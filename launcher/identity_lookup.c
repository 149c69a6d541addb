// SPDX-License-Identifier: MIT
/*
 * The user database, read by running getent(1) (see identity_lookup.h):
 * the only file that looks names up.
 */
#include "identity_lookup.h"

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
#include "identity_getent.h"
#include "util.h"

/*
 * getent's whole environment. Nothing of the caller's reaches it: sockjail
 * often runs as root, and LD_PRELOAD, LD_LIBRARY_PATH or a locale from
 * the caller must not load code into a process that runs with its
 * credentials. Numbers are printed the same in every locale.
 */
static char *const getent_env[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL };

/* At most this many `getent group` run at once for a --groups list. */
#define GROUPS_IN_FLIGHT 8

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

static void identity_getent_cancelp(struct identity_getent_query *q)
{
	identity_getent_cancel(q);
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

/*
 * Why a lookup of KEY in DATABASE gave no answer, as the rest of
 * "WHAT KEY: looking up the NOUN: ...". start_or_read is the error of
 * identity_getent_start() or _finish(), else a is the answer.
 */
static int lookup_failed(char *err, size_t errlen, const char *what, const char *key, const char *noun,
			 const char *database, int start_or_read, const struct identity_getent_answer *a)
{
	const char *getent = SJ_GETENT;
	if (start_or_read < 0) {
		snprintf(err, errlen,
			 "%s %s: looking up the %s: cannot run %s (%s): install getent there (Debian: libc-bin), "
			 "build sockjail with make GETENT=PATH, or give a number",
			 what, key, noun, getent, strerror(-start_or_read));
		return start_or_read;
	}
	if (a->timed_out) {
		snprintf(err, errlen,
			 "%s %s: looking up the %s: `%s %s %s` gave no answer within %d s: check the service behind "
			 "the user database (/etc/nsswitch.conf: sssd, nslcd, systemd-userdbd), or give a number",
			 what, key, noun, getent, database, key, SJ_GETENT_TIMEOUT_MS / 1000);
		return -ETIMEDOUT;
	}
	if (WIFEXITED(a->status) && WEXITSTATUS(a->status) == 2) {
		snprintf(err, errlen, "%s %s: no such %s in the user database (getent %s %s)", what, key, noun, database,
			 key);
		return -ENOENT;
	}
	if (WIFSIGNALED(a->status)) {
		snprintf(err, errlen, "%s %s: looking up the %s: `%s %s %s` was killed by signal %d: run it to see why",
			 what, key, noun, getent, database, key, WTERMSIG(a->status));
		return -EIO;
	}
	if (WIFEXITED(a->status) && WEXITSTATUS(a->status) != 0) {
		snprintf(err, errlen, "%s %s: looking up the %s: `%s %s %s` failed (exit status %d): run it to see why%s",
			 what, key, noun, getent, database, key, WEXITSTATUS(a->status),
			 WEXITSTATUS(a->status) == 1 ? " (1: it does not know that database; sockjail needs glibc's getent)"
						     : "");
		return -EIO;
	}
	snprintf(err, errlen, "%s %s: looking up the %s: `%s %s %s` printed %s: run it to see what it prints", what,
		 key, noun, getent, database, key,
		 a->truncated ? "more than sockjail reads" : "something that is not its usual one line");
	return -EBADMSG;
}

/* The groups named in items (names or numbers), in order, into gids. */
static int lookup_groups(const char *what, char *const *items, size_t n, gid_t *gids, char *err, size_t errlen)
{
	_cleanup_free_ bool *named = calloc(n ? n : 1, sizeof(*named));
	struct identity_getent_query q[GROUPS_IN_FLIGHT];
	size_t started = 0;
	int r = 0;

	if (!named)
		return -ENOMEM;
	for (size_t i = 0; i < GROUPS_IN_FLIGHT; i++)
		q[i] = (struct identity_getent_query){ .pidfd = -1, .out = -1 };
	for (size_t i = 0; i < n; i++) {
		unsigned num;
		if (identity_parse(items[i], &num, &named[i], err, errlen) < 0)
			return -EINVAL;
		if (!named[i])
			gids[i] = (gid_t)num;
	}
	/* A window of lookups running at once; each answer is taken in order. */
	for (size_t i = 0; i < n && r == 0; i++) {
		for (; started < n && started < i + GROUPS_IN_FLIGHT && r == 0; started++)
			if (named[started] && (r = identity_getent_start(SJ_GETENT, "group", items[started],
									 SJ_GETENT_TIMEOUT_MS,
									 &q[started % GROUPS_IN_FLIGHT])) < 0)
				r = lookup_failed(err, errlen, what, items[started], "group", "group", r, NULL);
		if (r < 0 || !named[i])
			continue;
		struct identity_getent_answer a;
		if ((r = identity_getent_finish(&q[i % GROUPS_IN_FLIGHT], &a)) < 0) {
			r = lookup_failed(err, errlen, what, items[i], "group", "group", r, NULL);
			break;
		}
		if (a.timed_out || !WIFEXITED(a.status) || WEXITSTATUS(a.status) != 0 ||
		    identity_getent_parse_group(a.out, a.len, a.truncated, &gids[i]) < 0)
			r = lookup_failed(err, errlen, what, items[i], "group", "group", 0, &a);
		identity_getent_answer_free(&a);
	}
	for (size_t i = 0; i < GROUPS_IN_FLIGHT; i++)
		identity_getent_cancel(&q[i]);
	return r;
}

/*
 * The user's groups, as getgrouplist(3) lists them: the primary group
 * first, then what `getent initgroups` (which leaves the primary out) says.
 */
static int user_groups(const char *key, const char *user, gid_t primary, struct identity_getent_query *q,
		       struct sj_identity *out, char *err, size_t errlen)
{
	struct identity_getent_answer a;
	_cleanup_free_ gid_t *g = NULL;
	size_t n = 0;
	int r;

	if ((r = identity_getent_finish(q, &a)) < 0)
		return lookup_failed(err, errlen, "--uid", key, "user's groups", "initgroups", r, NULL);
	if (a.timed_out || !WIFEXITED(a.status) || WEXITSTATUS(a.status) != 0) {
		r = lookup_failed(err, errlen, "--uid", key, "user's groups", "initgroups", 0, &a);
		identity_getent_answer_free(&a);
		return r;
	}
	r = identity_getent_parse_initgroups(a.out, a.len, a.truncated, user, &g, &n);
	if (r == -E2BIG)
		snprintf(err, errlen, "--uid %s: the user database lists too many groups", key);
	else if (r < 0)
		r = lookup_failed(err, errlen, "--uid", key, "user's groups", "initgroups", 0, &a);
	identity_getent_answer_free(&a);
	if (r < 0)
		return r;
	if ((r = identity_add_group(out, primary)) < 0)
		goto too_many;
	for (size_t i = 0; i < n; i++)
		if ((r = identity_add_group(out, g[i])) < 0)
			goto too_many;
	return 0;
too_many:
	snprintf(err, errlen, "--uid %s: too many groups", key);
	return r;
}

/* --uid USER: its ids, and its groups when they come with it. */
static int lookup_user(const struct sj_settings *s, struct sj_identity *id, char *err, size_t errlen)
{
	const char *key = s->uid_name;
	bool want_groups = identity_wants_user_groups(s);
	_cleanup_(identity_getent_cancelp) struct identity_getent_query pq = { .pidfd = -1, .out = -1 };
	_cleanup_(identity_getent_cancelp) struct identity_getent_query gq = { .pidfd = -1, .out = -1 };
	struct identity_getent_answer a;
	struct sj_getent_user user;
	int r;

	/*
	 * Both at once: two short processes in parallel, not one after the
	 * other. The groups are asked for by the name as given; should the
	 * database spell it otherwise, they are asked for again below.
	 */
	if ((r = identity_getent_start(SJ_GETENT, "passwd", key, SJ_GETENT_TIMEOUT_MS, &pq)) < 0)
		return lookup_failed(err, errlen, "--uid", key, "user", "passwd", r, NULL);
	if (want_groups && (r = identity_getent_start(SJ_GETENT, "initgroups", key, SJ_GETENT_TIMEOUT_MS, &gq)) < 0)
		return lookup_failed(err, errlen, "--uid", key, "user's groups", "initgroups", r, NULL);
	if ((r = identity_getent_finish(&pq, &a)) < 0)
		return lookup_failed(err, errlen, "--uid", key, "user", "passwd", r, NULL);
	if (a.timed_out || !WIFEXITED(a.status) || WEXITSTATUS(a.status) != 0 ||
	    identity_getent_parse_passwd(a.out, a.len, a.truncated, &user) < 0) {
		r = lookup_failed(err, errlen, "--uid", key, "user", "passwd", 0, &a);
		identity_getent_answer_free(&a);
		return r;
	}
	identity_getent_answer_free(&a);
	id->uid = user.uid;
	/* As runuser -u USER: the primary group comes with the user. */
	if (!s->gid_set)
		id->gid = user.gid;
	if (!want_groups)
		return 0;
	/* getgrouplist(3) takes the name the database gave (nss_ldap may match "Alice" for "alice"). */
	if (strcmp(user.name, key) != 0) {
		identity_getent_cancel(&gq);
		if ((r = identity_getent_start(SJ_GETENT, "initgroups", user.name, SJ_GETENT_TIMEOUT_MS, &gq)) < 0)
			return lookup_failed(err, errlen, "--uid", key, "user's groups", "initgroups", r, NULL);
	}
	if ((r = user_groups(key, user.name, id->gid, &gq, id, err, errlen)) < 0)
		return r;
	id->groups_given = true;
	return 0;
}

int identity_resolve(const struct sj_settings *s, uid_t caller_uid, gid_t caller_gid, struct sj_identity *out,
		     char *err, size_t errlen)
{
	struct sj_identity id = { .uid = s->uid_set && !s->uid_name ? s->uid : caller_uid,
				  .gid = s->gid_set && !s->gid_name ? s->gid : caller_gid };
	int r;

	if (s->uid_name && (r = lookup_user(s, &id, err, errlen)) < 0)
		goto fail;
	if (s->gid_name && (r = lookup_groups("--gid", &s->gid_name, 1, &id.gid, err, errlen)) < 0)
		goto fail;
	if (s->groups_set) {
		_cleanup_free_ gid_t *g = calloc(s->groups.n ? s->groups.n : 1, sizeof(*g));
		if (!g) {
			r = -ENOMEM;
			goto fail;
		}
		id.groups_given = true;
		if ((r = lookup_groups("--groups", s->groups.v, s->groups.n, g, err, errlen)) < 0)
			goto fail;
		for (size_t i = 0; i < s->groups.n; i++)
			if ((r = identity_add_group(&id, g[i])) < 0) {
				snprintf(err, errlen, "--groups: more than %d groups", SJ_GROUPS_MAX);
				goto fail;
			}
	}
	*out = id;
	return 0;
fail:
	identity_free(&id);
	return r;
}

/* Is id inside one of the ranges of a /proc/self/[ug]id_map? */
static int id_mapped(const char *map, unsigned id, bool *mapped)
{
	_cleanup_fclose_ FILE *f = fopen(map, "re");
	unsigned inside, outside, count;
	if (!f)
		return -errno;
	*mapped = false;
	while (fscanf(f, "%u %u %u", &inside, &outside, &count) == 3)
		if (id >= inside && id - inside < count)
			*mapped = true;
	return 0;
}

int identity_check_here(const struct sj_identity *id, bool groups_explicit, char *err, size_t errlen)
{
	bool ok;
	int r;
	/*
	 * set*id() and setgroups() take only ids mapped in our own user
	 * namespace (nested in a container, often just 0): say so now, not
	 * with EINVAL from inside the sandbox.
	 */
	if ((r = id_mapped("/proc/self/uid_map", id->uid, &ok)) < 0 && r != -ENOENT)
		return r;
	if (r == 0 && !ok) {
		snprintf(err, errlen, "--uid: uid %u is not mapped in sockjail's user namespace (see /proc/self/uid_map)",
			 (unsigned)id->uid);
		return -EINVAL;
	}
	for (size_t i = 0; i <= id->n_groups; i++) {
		gid_t g = i == id->n_groups ? id->gid : id->groups[i];
		if ((r = id_mapped("/proc/self/gid_map", g, &ok)) < 0 && r != -ENOENT)
			return r;
		if (r == 0 && !ok) {
			snprintf(err, errlen, "%s: gid %u is not mapped in sockjail's user namespace (see /proc/self/gid_map)",
				 i == id->n_groups ? "--gid" : "--groups", (unsigned)g);
			return -EINVAL;
		}
	}
	/* A user namespace made with setgroups "deny" keeps the groups it has. */
	char buf[16] = "";
	_cleanup_fclose_ FILE *f = fopen("/proc/self/setgroups", "re");
	if (groups_explicit && f && fgets(buf, sizeof(buf), f) && strncmp(buf, "deny", 4) == 0) {
		snprintf(err, errlen, "--groups: supplementary groups cannot be set here (/proc/self/setgroups is "
				      "\"deny\" in sockjail's user namespace); leave --groups out");
		return -EPERM;
	}
	return 0;
}
