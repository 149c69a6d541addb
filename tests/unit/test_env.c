// SPDX-License-Identifier: MIT
/* COMMAND's environment. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "env.h"
#include "settings.h"

static void apply(struct sj_settings *s, int id, const char *arg)
{
	char err[256];
	assert_int_equal(settings_apply(s, id, arg, err, sizeof(err)), 0);
}

static char *joined(char **e)
{
	static char buf[1024];
	buf[0] = '\0';
	for (size_t i = 0; e[i]; i++) {
		strcat(buf, e[i]);
		strcat(buf, ";");
	}
	return buf;
}

static void test_ops_in_order(void **state)
{
	char *base[] = { "A=1", "B=2", "LISTEN_FDS=3", "LISTEN_PID=1", "LISTEN_FDNAMES=x", "C=3", NULL };
	struct sj_settings s;
	settings_init(&s);
	apply(&s, SJ_OPT_SETENV, "B=two");
	apply(&s, SJ_OPT_UNSETENV, "C");
	apply(&s, SJ_OPT_SETENV, "D=x=y");
	char **e = env_build(base, &s);
	assert_non_null(e);
	/* LISTEN_* are sockjail's to set, never passed through. */
	assert_string_equal(joined(e), "A=1;B=two;D=x=y;");
	env_free(e);
	settings_free(&s);
}

static void test_clearenv_then_set(void **state)
{
	char *base[] = { "A=1", "PATH=/bin", NULL };
	struct sj_settings s;
	settings_init(&s);
	apply(&s, SJ_OPT_SETENV, "X=before");
	apply(&s, SJ_OPT_CLEARENV, NULL);
	apply(&s, SJ_OPT_SETENV, "PATH=/usr/bin");
	char **e = env_build(base, &s);
	assert_string_equal(joined(e), "PATH=/usr/bin;");
	assert_int_equal(env_set(&e, "PATH", "/sbin"), 0);
	assert_int_equal(env_set(&e, "LISTEN_FDS", "2"), 0);
	assert_string_equal(joined(e), "PATH=/sbin;LISTEN_FDS=2;");
	env_free(e);
	settings_free(&s);
}

static void test_name_prefix_is_not_a_match(void **state)
{
	char *base[] = { "AB=1", "A=2", NULL };
	struct sj_settings s;
	settings_init(&s);
	apply(&s, SJ_OPT_UNSETENV, "A");
	char **e = env_build(base, &s);
	assert_string_equal(joined(e), "AB=1;");
	env_free(e);
	settings_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ops_in_order),
		cmocka_unit_test(test_clearenv_then_set),
		cmocka_unit_test(test_name_prefix_is_not_a_match),
	};
	return cmocka_run_group_tests_name("env", tests, NULL, NULL);
}
