// SPDX-License-Identifier: MIT
/* --learn's profile writer. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "learn.h"
#include "profile.h"
#include "settings.h"

/* The pretend host: one socket and one directory. */
static int fake_stat(const char *path, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	if (strcmp(path, "/run/dbus/system_bus_socket") == 0) {
		st->st_mode = S_IFSOCK | 0666;
		return 0;
	}
	if (strcmp(path, "/run/user") == 0) {
		st->st_mode = S_IFDIR | 0755;
		return 0;
	}
	if (strcmp(path, "/run/file") == 0) {
		st->st_mode = S_IFREG | 0644;
		return 0;
	}
	errno = ENOENT;
	return -1;
}

static char *write_profile(const struct sj_settings *s, const struct sj_learned *l)
{
	char *buf = NULL;
	size_t len = 0;
	char *cmd[] = { "server", "--flag", NULL };
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(learn_write_profile(f, s, l, cmd, fake_stat), 0);
	fclose(f);
	return buf;
}

static void test_minimal_profile(void **state)
{
	struct sj_settings s;
	struct sj_learned l = { 0 };
	settings_init(&s);
	assert_int_equal(learn_add(&l.abstract, "@app-1"), 0);
	assert_int_equal(learn_add(&l.abstract, "@app-1"), 0); /* once only */
	assert_int_equal(learn_add(&l.abstract, "@odd*name?[x]\\x00"), 0);
	assert_int_equal(learn_add(&l.connects, "/run/dbus/system_bus_socket"), 0);
	assert_int_equal(learn_add(&l.connects, "/run/missing.sock"), 0);
	assert_int_equal(learn_add(&l.connects, "/run/file"), 0);
	assert_int_equal(learn_add(&l.binds, "/run/app/a.sock"), 0);
	assert_int_equal(learn_add(&l.binds, "/run/app/b.sock"), 0);
	assert_int_equal(learn_add(&l.binds, "/run/top.sock"), 0);
	char *t = write_profile(&s, &l);
	const char *body = strstr(t, "sockjail-profile 1\n");
	assert_non_null(body);
	assert_non_null(strstr(t, "# server --flag\n"));
	assert_string_equal(body, "sockjail-profile 1\n"
				  "net none\n"
				  "run-socket /run/dbus/system_bus_socket\n"
				  "run-dir /run/app\n"
				  "abstract deny\n"
				  "abstract-allow @app-1\n"
				  "abstract-allow @odd[*]name[?][[]x]\\x00\n"
				  "autobind allow\n");
	free(t);
	learn_free(&l);
	settings_free(&s);
}

/* What learn writes must parse, and must admit exactly the learned names. */
static void test_output_parses(void **state)
{
	struct sj_settings s, back;
	struct sj_learned l = { 0 };
	char err[512] = "";
	settings_init(&s);
	settings_init(&back);
	assert_int_equal(settings_apply(&s, SJ_OPT_NET, "host", err, sizeof(err)), 0);
	assert_int_equal(settings_apply(&s, SJ_OPT_RUN_DIR, "/run/app", err, sizeof(err)), 0);
	assert_int_equal(settings_apply(&s, SJ_OPT_ABSTRACT_ALLOW, "@kept-*", err, sizeof(err)), 0);
	assert_int_equal(learn_add(&l.abstract, "@has space"), 0);
	assert_int_equal(learn_add(&l.binds, "/run/app/x.sock"), 0);
	char *t = write_profile(&s, &l);
	FILE *f = fmemopen(t, strlen(t), "r");
	assert_int_equal(profile_parse(f, "learned.profile", 0, &back, err, sizeof(err)), 0);
	fclose(f);
	assert_int_equal(back.net, SJ_NET_HOST);
	assert_int_equal(back.abstract, SJ_ABSTRACT_DENY);
	assert_int_equal(back.run_dirs.n, 1);
	assert_string_equal(back.run_dirs.v[0], "/run/app");
	/* A second learning run keeps what the profile it started from allowed. */
	assert_int_equal(back.abstract_allow.n, 2);
	assert_string_equal(back.abstract_allow.v[0], "@kept-*");
	assert_string_equal(back.abstract_allow.v[1], "@has space");
	free(t);
	learn_free(&l);
	settings_free(&s);
	settings_free(&back);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minimal_profile),
		cmocka_unit_test(test_output_parses),
	};
	return cmocka_run_group_tests_name("learn", tests, NULL, NULL);
}
