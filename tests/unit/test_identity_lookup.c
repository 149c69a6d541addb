// SPDX-License-Identifier: MIT
/*
 * getent_run.c and identity_lookup.c: how getent is run (with stand-in getent scripts:
 * environment, fds, signals, exit status, time limit, output cap), and
 * identity_resolve() against the host's real getent for names every
 * system has (root, group root) or lacks.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "identity.h"
#include "identity_lookup.h"
#include "settings.h"

static char dir[] = "/tmp/sj-test-getent.XXXXXX";

static const char *script(const char *name, const char *body, mode_t mode)
{
	static char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s", body);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

static int run(const char *getent, const char *db, const char *key, int timeout_ms, struct identity_getent_answer *a)
{
	struct identity_getent_query q;
	int r = identity_getent_start(getent, db, key, timeout_ms, &q);
	if (r < 0)
		return r;
	return identity_getent_finish(&q, a);
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* What getent gets: its arguments, an environment of its own, /dev/null, no other fd. */
static void test_run_context(void **state)
{
	(void)state;
	const char *p = script("ctx",
			       "printf 'args %s|%s|%s|%s\\n' \"$0\" \"$1\" \"$2\" \"$3\"\n"
			       "tr '\\0' ' ' </proc/$$/environ; echo\n"
			       "echo in $(readlink /proc/$$/fd/0) err $(readlink /proc/$$/fd/2)\n"
			       "[ -e /proc/$$/fd/7 ] && echo leaked 7\nexit 0\n",
			       0755);
	/* The caller's: a non-O_CLOEXEC fd, a variable. */
	int fd = open("/dev/null", O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(dup2(fd, 7), 7);
	close(fd);
	setenv("LD_PRELOAD", "/nonexistent.so", 1);
	struct identity_getent_answer a;
	assert_int_equal(run(p, "passwd", "alice", 5000, &a), 0);
	unsetenv("LD_PRELOAD");
	close(7);

	assert_true(WIFEXITED(a.status));
	assert_int_equal(WEXITSTATUS(a.status), 0);
	assert_false(a.timed_out);
	assert_false(a.truncated);
	char want[1024];
	snprintf(want, sizeof(want),
		 "args %s|passwd|--|alice\n"
		 "PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C \n"
		 "in /dev/null err /dev/null\n",
		 p);
	assert_string_equal(a.out, want);
	assert_int_equal(a.len, strlen(want));
	identity_getent_answer_free(&a);
}

/*
 * The supervisor's signals (SIGPIPE ignored, the forwarded ones blocked)
 * are not getent's. grep reads the mask as exec left it (a shell would
 * reset it first).
 */
static void test_run_signals(void **state)
{
	(void)state;
	const char *p = script("sig", "", 0755);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs("#!/usr/bin/env -S grep -E ^Sig(Blk|Ign): /proc/self/status\n", f);
	fclose(f);
	signal(SIGPIPE, SIG_IGN);
	sigset_t term, old;
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, &old);

	struct identity_getent_answer a;
	assert_int_equal(run(p, "passwd", "alice", 5000, &a), 0);

	sigprocmask(SIG_SETMASK, &old, NULL);
	signal(SIGPIPE, SIG_DFL);
	unsigned long long blk = ~0ULL, ign = ~0ULL;
	char *blk_line = strstr(a.out, "SigBlk:"), *ign_line = strstr(a.out, "SigIgn:");
	assert_non_null(blk_line);
	assert_non_null(ign_line);
	assert_int_equal(sscanf(blk_line, "SigBlk: %llx", &blk), 1);
	assert_int_equal(sscanf(ign_line, "SigIgn: %llx", &ign), 1);
	assert_int_equal(blk, 0);
	/* 32 and 33 are glibc's own: it refuses to touch them, and sets them up itself. */
	assert_int_equal(ign & ~(3ULL << 31), 0);
	identity_getent_answer_free(&a);
}

static void test_run_status(void **state)
{
	(void)state;
	struct identity_getent_answer a;
	const char *p = script("missing", "echo nothing >&2; exit 2\n", 0755);
	assert_int_equal(run(p, "passwd", "x", 5000, &a), 0);
	assert_true(WIFEXITED(a.status));
	assert_int_equal(WEXITSTATUS(a.status), 2);
	assert_int_equal(a.len, 0); /* stderr is not the output */
	assert_string_equal(a.out, "");
	identity_getent_answer_free(&a);

	p = script("killed", "kill -USR1 $$\n", 0755);
	assert_int_equal(run(p, "passwd", "x", 5000, &a), 0);
	assert_true(WIFSIGNALED(a.status));
	assert_int_equal(WTERMSIG(a.status), SIGUSR1);
	identity_getent_answer_free(&a);

	/* No getent there, or not executable: the errno, and nothing left running. */
	assert_int_equal(run("/nonexistent/getent", "passwd", "x", 5000, &a), -ENOENT);
	p = script("noexec", "exit 0\n", 0644);
	assert_int_equal(run(p, "passwd", "x", 5000, &a), -EACCES);
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

static void test_run_time_limit(void **state)
{
	(void)state;
	struct identity_getent_answer a;
	const char *p = script("slow", "echo partial; exec sleep 20\n", 0755);
	double t0 = now_s();
	assert_int_equal(run(p, "passwd", "x", 300, &a), 0);
	double took = now_s() - t0;
	assert_true(took >= 0.29 && took < 5);
	assert_true(a.timed_out);
	assert_true(WIFSIGNALED(a.status));
	assert_int_equal(WTERMSIG(a.status), SIGKILL);
	assert_string_equal(a.out, "partial\n");
	identity_getent_answer_free(&a);

	/*
	 * Something getent started keeps its stdout open: the answer is
	 * complete once getent itself has exited.
	 */
	p = script("orphan", "sleep 3 & echo answer; exit 0\n", 0755);
	t0 = now_s();
	assert_int_equal(run(p, "passwd", "x", 10000, &a), 0);
	assert_true(now_s() - t0 < 2.5);
	assert_false(a.timed_out);
	assert_true(WIFEXITED(a.status) && WEXITSTATUS(a.status) == 0);
	assert_string_equal(a.out, "answer\n");
	identity_getent_answer_free(&a);
}

static void test_run_output_cap(void **state)
{
	(void)state;
	struct identity_getent_answer a;
	/* More than is kept: read to the end (getent is not left blocked), kept up to the cap. */
	const char *p = script("big", "head -c 5000000 /dev/zero | tr '\\0' a\n", 0755);
	assert_int_equal(run(p, "group", "x", 20000, &a), 0);
	assert_true(WIFEXITED(a.status) && WEXITSTATUS(a.status) == 0);
	assert_true(a.truncated);
	assert_int_equal(a.len, SJ_GETENT_OUTPUT_MAX);
	assert_int_equal(a.out[SJ_GETENT_OUTPUT_MAX - 1], 'a');
	assert_int_equal(a.out[SJ_GETENT_OUTPUT_MAX], '\0');
	identity_getent_answer_free(&a);

	/* Exactly the cap is not cut. */
	char body[128];
	snprintf(body, sizeof(body), "head -c %u /dev/zero\n", SJ_GETENT_OUTPUT_MAX);
	p = script("exact", body, 0755);
	assert_int_equal(run(p, "group", "x", 20000, &a), 0);
	assert_false(a.truncated);
	assert_int_equal(a.len, SJ_GETENT_OUTPUT_MAX);
	identity_getent_answer_free(&a);
}

static void test_cancel(void **state)
{
	(void)state;
	struct identity_getent_query q;
	const char *p = script("hang", "exec sleep 20\n", 0755);
	assert_int_equal(identity_getent_start(p, "passwd", "x", 20000, &q), 0);
	pid_t pid = q.pid;
	identity_getent_cancel(&q);
	assert_int_equal(q.pid, 0);
	assert_int_equal(kill(pid, 0), -1);
	assert_int_equal(errno, ESRCH);
	identity_getent_cancel(&q); /* twice: nothing */
}

/* The host's getent: root and group root exist everywhere, the -sj names nowhere. */
static void test_resolve(void **state)
{
	(void)state;
	struct sj_settings s;
	struct sj_identity id;
	char err[512] = "";

	settings_init(&s);
	s.uid_set = true;
	s.uid_name = "root";
	assert_int_equal(identity_resolve(&s, 1234, 5678, &id, err, sizeof(err)), 0);
	assert_int_equal(id.uid, 0);
	assert_int_equal(id.gid, 0);
	assert_true(id.groups_given);
	assert_true(id.n_groups >= 1);
	assert_int_equal(id.groups[0], 0); /* the primary group first, as getgrouplist(3) */
	identity_free(&id);

	/* --gid given: the user's gid is not taken, nor its groups. */
	s.gid_set = true;
	s.gid = 42;
	assert_int_equal(identity_resolve(&s, 1234, 5678, &id, err, sizeof(err)), 0);
	assert_int_equal(id.uid, 0);
	assert_int_equal(id.gid, 42);
	assert_false(id.groups_given);
	assert_int_equal(id.n_groups, 0);
	identity_free(&id);

	s.gid_set = false;
	s.uid_name = "no-such-user-sj";
	assert_int_equal(identity_resolve(&s, 1234, 5678, &id, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "--uid no-such-user-sj: no such user in the user database "
				 "(getent passwd no-such-user-sj)");

	settings_init(&s);
	s.gid_set = true;
	s.gid_name = "no-such-group-sj";
	assert_int_equal(identity_resolve(&s, 1234, 5678, &id, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "--gid no-such-group-sj: no such group in the user database "
				 "(getent group no-such-group-sj)");
	s.gid_name = "root";
	assert_int_equal(identity_resolve(&s, 1234, 5678, &id, err, sizeof(err)), 0);
	assert_int_equal(id.uid, 1234);
	assert_int_equal(id.gid, 0);
	identity_free(&id);

	/* Numbers only: the caller's ids where none is given. */
	settings_init(&s);
	s.uid_set = true;
	s.uid = 7;
	assert_int_equal(identity_resolve(&s, 1234, 5678, &id, err, sizeof(err)), 0);
	assert_int_equal(id.uid, 7);
	assert_int_equal(id.gid, 5678);
	assert_false(id.groups_given);
	identity_free(&id);
}

/* More --groups names than run at once, in order; a missing one stops the lot and leaves no child. */
static void test_resolve_groups(void **state)
{
	(void)state;
	struct sj_settings s;
	struct sj_identity id;
	char err[512] = "";

	settings_init(&s);
	s.groups_set = true;
	assert_int_equal(identity_parse_groups("root,1,root,2,root,3,root,4,root,5,root,6,root", &s.groups, err,
					       sizeof(err)),
			 0);
	assert_int_equal(identity_resolve(&s, 1234, 5678, &id, err, sizeof(err)), 0);
	assert_int_equal(id.n_groups, 7);
	for (size_t i = 0; i < 7; i++)
		assert_int_equal(id.groups[i], i);
	assert_true(id.groups_given);
	identity_free(&id);
	strv_free(&s.groups);

	assert_int_equal(identity_parse_groups("root,root,no-such-group-sj,root,root,root,root,root,root,root,root",
					       &s.groups, err, sizeof(err)),
			 0);
	assert_int_equal(identity_resolve(&s, 1234, 5678, &id, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "--groups no-such-group-sj: no such group in the user database "
				 "(getent group no-such-group-sj)");
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
	strv_free(&s.groups);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_context),
		cmocka_unit_test(test_run_signals),
		cmocka_unit_test(test_run_status),
		cmocka_unit_test(test_run_time_limit),
		cmocka_unit_test(test_run_output_cap),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_resolve_groups),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
