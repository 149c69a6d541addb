// SPDX-License-Identifier: MIT
/*
 * --profile and --check-profile on the command line, with real profile
 * files in a temporary directory: where a profile's settings land relative
 * to the options around it, how its errors reach the caller, and how
 * --check-profile combines with the other actions. The profile format
 * itself is profile.c's to test.
 */
#include <errno.h>
#include <linux/capability.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cleanup.h"
#include "cli.h"
#include "settings.h"

#define MAX_ARGS 24
#define MAX_FILES 8

struct ctx {
	struct sj_settings s;
	struct sj_cli cli;
	char err[1024];
	char *argv[MAX_ARGS + 2];
	char dir[64];
	char *files[MAX_FILES];
	size_t n_files;
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	if (!c)
		return -1;
	snprintf(c->dir, sizeof(c->dir), "/tmp/sj-test-cli-XXXXXX");
	if (!mkdtemp(c->dir)) {
		free(c);
		return -1;
	}
	settings_init(&c->s);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;
	for (size_t i = 0; i < c->n_files; i++) {
		unlink(c->files[i]);
		free(c->files[i]);
	}
	rmdir(c->dir);
	settings_free(&c->s);
	free(c);
	return 0;
}

/* Write DIR/name and return its path (owned by c). */
static const char *write_profile(struct ctx *c, const char *name, const char *text)
{
	char *path = NULL;
	assert_true(c->n_files < MAX_FILES);
	assert_true(asprintf(&path, "%s/%s", c->dir, name) > 0);
	c->files[c->n_files++] = path;
	FILE *f = fopen(path, "we");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	return path;
}

static int parse_words(struct ctx *c, const char *const *words)
{
	int argc = 0;
	settings_free(&c->s);
	settings_init(&c->s);
	c->argv[argc++] = "sockjail";
	for (; words[argc - 1]; argc++) {
		assert_true(argc <= MAX_ARGS);
		c->argv[argc] = (char *)words[argc - 1];
	}
	c->argv[argc] = NULL;
	memset(&c->cli, 0xa5, sizeof(c->cli));
	c->err[0] = '\0';
	return cli_parse(argc, c->argv, &c->s, &c->cli, c->err, sizeof(c->err));
}

#define WORDS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define PARSE(c, ...) parse_words((c), WORDS(__VA_ARGS__))
#define PARSE_OK(c, ...)                                                                           \
	do {                                                                                       \
		int r_ = PARSE(c, __VA_ARGS__);                                                    \
		if (r_ != 0)                                                                       \
			fail_msg("refused (%d): %s", r_, (c)->err);                                \
	} while (0)

static void assert_refused_words(struct ctx *c, int want_r, const char *const *words, const char *message)
{
	int r = parse_words(c, words);
	if (r != want_r)
		fail_msg("gave %d (%s), expected %d with \"%s\"", r, c->err, want_r, message);
	assert_string_equal(c->err, message);
	unsigned char *p = (unsigned char *)&c->cli;
	for (size_t i = 0; i < sizeof(c->cli); i++)
		assert_int_equal(p[i], 0xa5);
}
#define REFUSED(c, r, message, ...) assert_refused_words((c), (r), WORDS(__VA_ARGS__), (message))

static const char web_profile[] = "sockjail-profile 1\n"
				  "# a web service\n"
				  "net host\n"
				  "run-dir /run/web\n"
				  "listen unix:/run/web/http.sock,name=http\n"
				  "setenv MODE=profile\n"
				  "cap-keep net_bind_service\n"
				  "tmpfs /tmp\n"
				  "quiet\n";

static void test_profile_path(void **state)
{
	struct ctx *c = *state;
	const char *path = write_profile(c, "web.profile", web_profile);
	PARSE_OK(c, "--profile", path, "--", "server", "-v");
	assert_int_equal(c->cli.action, SJ_ACTION_RUN);
	assert_string_equal(c->cli.command[0], "server");
	assert_int_equal(c->s.net, SJ_NET_HOST);
	assert_int_equal(c->s.run_dirs.n, 1);
	assert_string_equal(c->s.run_dirs.v[0], "/run/web");
	assert_int_equal(c->s.listen.n, 1);
	assert_string_equal(c->s.listen.v[0], "unix:/run/web/http.sock,name=http");
	assert_int_equal(c->s.n_env, 1);
	assert_string_equal(c->s.env[0].value, "profile");
	assert_int_equal(c->s.cap_keep, UINT64_C(1) << CAP_NET_BIND_SERVICE);
	assert_int_equal(c->s.n_mounts, 1);
	assert_true(c->s.quiet);

	PARSE_OK(c, "-p", path, "true");
	assert_int_equal(c->s.net, SJ_NET_HOST);
}

/* Options are applied in order: after a profile they override or add. */
static void test_profile_in_order(void **state)
{
	struct ctx *c = *state;
	const char *path = write_profile(c, "web.profile", web_profile);

	PARSE_OK(c, "--net", "none", "--profile", path, "true");
	assert_int_equal(c->s.net, SJ_NET_HOST);
	PARSE_OK(c, "--profile", path, "--net", "none", "true");
	assert_int_equal(c->s.net, SJ_NET_NONE);

	PARSE_OK(c, "--run-dir", "/run/a", "--setenv", "MODE=before", "--tmpfs", "/var/tmp", "--cap-keep", "kill",
		 "--profile", path, "--run-dir", "/run/b", "--unsetenv", "MODE", "--bind", "/srv", "true");
	assert_int_equal(c->s.run_dirs.n, 3);
	assert_string_equal(c->s.run_dirs.v[0], "/run/a");
	assert_string_equal(c->s.run_dirs.v[1], "/run/web");
	assert_string_equal(c->s.run_dirs.v[2], "/run/b");
	assert_int_equal(c->s.n_env, 3);
	assert_string_equal(c->s.env[0].value, "before");
	assert_string_equal(c->s.env[1].value, "profile");
	assert_int_equal(c->s.env[2].kind, SJ_ENV_UNSET);
	assert_int_equal(c->s.n_mounts, 3);
	assert_string_equal(c->s.mounts[0].dst, "/var/tmp");
	assert_string_equal(c->s.mounts[1].dst, "/tmp");
	assert_string_equal(c->s.mounts[2].dst, "/srv");
	assert_int_equal(c->s.cap_keep, (UINT64_C(1) << CAP_KILL) | (UINT64_C(1) << CAP_NET_BIND_SERVICE));

	/* The same profile twice adds its lists twice. */
	PARSE_OK(c, "-p", path, "-p", path, "true");
	assert_int_equal(c->s.listen.n, 2);
}

/* The whole-set checks run once, on the final settings. */
static void test_profile_validated_with_options(void **state)
{
	struct ctx *c = *state;
	const char *listen = write_profile(c, "listen.profile", "sockjail-profile 1\n"
								"listen unix:/run/app/s\n");
	REFUSED(c, -EINVAL, "--listen unix:/run/app/s: the socket must be inside a --run-dir", "--profile", listen,
		"true");
	PARSE_OK(c, "--profile", listen, "--run-dir", "/run/app", "true");

	const char *rs = write_profile(c, "rs.profile", "sockjail-profile 1\nrun-socket /run/app\n");
	REFUSED(c, -EINVAL, "--run-dir /run/app: also given as --run-socket", "--run-dir", "/run/app", "--profile", rs,
		"true");
}

static void test_profile_by_name(void **state)
{
	struct ctx *c = *state;
	write_profile(c, "web.profile", web_profile);
	const char *saved = getenv("SOCKJAIL_PROFILE_PATH");
	_cleanup_free_ char *old = saved ? strdup(saved) : NULL;
	char search[128];
	snprintf(search, sizeof(search), "/nonexistent-sj:%s", c->dir);
	assert_int_equal(setenv("SOCKJAIL_PROFILE_PATH", search, 1), 0);

	int r = PARSE(c, "--profile", "web", "true");
	int r2 = r == 0 ? PARSE(c, "--profile", "nosuch", "true") : 0;
	if (old)
		setenv("SOCKJAIL_PROFILE_PATH", old, 1);
	else
		unsetenv("SOCKJAIL_PROFILE_PATH");

	if (r != 0)
		fail_msg("--profile web: %s", c->err);
	assert_int_equal(r2, -ENOENT);
	/* "NAME: message" for a name that is not found. */
	assert_int_equal(strncmp(c->err, "nosuch: not found", strlen("nosuch: not found")), 0);
}

static void test_profile_errors(void **state)
{
	struct ctx *c = *state;
	char message[512], missing[128];

	/* A profile's own errors come as they are: FILE:LINE: message. */
	const char *bad = write_profile(c, "bad.profile", "sockjail-profile 1\n\nnet bogus\n");
	snprintf(message, sizeof(message),
		 "%s:3: net bogus: expected none, host or veth:HOSTADDR/PREFIX,SANDBOXADDR/PREFIX", bad);
	REFUSED(c, -EINVAL, message, "--profile", bad, "true");
	REFUSED(c, -EINVAL, message, "-p", bad, "true");

	const char *veth = write_profile(c, "veth.profile", "sockjail-profile 1\nnet veth:10.0.0.1/24,10.0.1.2/24\n");
	snprintf(message, sizeof(message),
		 "%s:2: net veth:10.0.0.1/24,10.0.1.2/24: 10.0.0.1/24 and 10.0.1.2/24 are not on the same subnet", veth);
	REFUSED(c, -EINVAL, message, "--profile", veth, "true");

	const char *run = write_profile(c, "run.profile", "sockjail-profile 1\nrun-dir /run/a/../b\n");
	snprintf(message, sizeof(message), "%s:2: run-dir /run/a/../b: path must not contain . or .. components", run);
	REFUSED(c, -EINVAL, message, "--profile", run, "true");

	snprintf(missing, sizeof(missing), "%s/missing.profile", c->dir);
	snprintf(message, sizeof(message), "%s: No such file or directory", missing);
	REFUSED(c, -ENOENT, message, "--profile", missing, "true");
	REFUSED(c, -EINVAL, "empty profile name", "--profile", "", "true");
	REFUSED(c, -EINVAL, "--profile needs an argument", "--profile");

	/* An error stops the parse: nothing after the profile is applied. */
	assert_int_equal(PARSE(c, "--net", "host", "--profile", bad, "--uid", "1", "true"), -EINVAL);
	assert_false(c->s.uid_set);
}

static void test_check_profile(void **state)
{
	struct ctx *c = *state;
	const char *path = write_profile(c, "web.profile", web_profile);

	PARSE_OK(c, "--check-profile", path);
	assert_int_equal(c->cli.action, SJ_ACTION_CHECK_PROFILE);
	assert_ptr_equal(c->cli.check_profile, c->argv[2]); /* points into argv */
	assert_null(c->cli.command);
	assert_int_equal(c->s.net, SJ_NET_HOST);
	assert_int_equal(c->s.listen.n, 1);

	/* --help wins at once, whatever comes after it. */
	PARSE_OK(c, "--check-profile", path, "--help");
	assert_int_equal(c->cli.action, SJ_ACTION_HELP);
	PARSE_OK(c, "--help", "--check-profile", "/dev/null/nothing");
	assert_int_equal(c->cli.action, SJ_ACTION_HELP);

	char message[512];
	REFUSED(c, -EINVAL, "unexpected argument 'true' after --check-profile", "--check-profile", path, "true");
	REFUSED(c, -EINVAL, "unexpected argument 'x' after --check-profile", "--check-profile", path, "--", "x");
	REFUSED(c, -EINVAL, "--check-profile cannot be combined with --check-profile", "--check-profile", path,
		"--check-profile", path);
	REFUSED(c, -EINVAL, "--print-filter cannot be combined with --check-profile", "--check-profile", path,
		"--print-filter");
	REFUSED(c, -EINVAL, "--check-profile cannot be combined with --print-filter", "--print-filter",
		"--check-profile", path);
	REFUSED(c, -EINVAL, "--check-profile needs an argument", "--check-profile");

	/* A profile --check-profile passes must also pass for a run. */
	const char *conflict = write_profile(c, "conflict.profile", "sockjail-profile 1\n"
								    "run-socket /run/a\n"
								    "run-dir /run/a\n");
	REFUSED(c, -EINVAL, "--run-dir /run/a: also given as --run-socket", "--check-profile", conflict);
	const char *bad = write_profile(c, "bad.profile", "sockjail-profile 1\nuid -1\n");
	snprintf(message, sizeof(message), "%s:2: uid -1: expected a number from 0 to 4294967294 or a name", bad);
	REFUSED(c, -EINVAL, message, "--check-profile", bad);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_profile_path),
		T(test_profile_in_order),
		T(test_profile_validated_with_options),
		T(test_profile_by_name),
		T(test_profile_errors),
		T(test_check_profile),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
