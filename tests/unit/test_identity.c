// SPDX-License-Identifier: MIT
/* identity.c: --uid/--gid/--groups values, the user-groups rule, the gid_map. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "identity.h"
#include "settings.h"

static void test_parse(void **state)
{
	(void)state;
	char err[128];
	unsigned n = 77;
	bool is_name = true;

	assert_int_equal(identity_parse("0", &n, &is_name, err, sizeof(err)), 0);
	assert_int_equal(n, 0);
	assert_false(is_name);
	assert_int_equal(identity_parse("4294967294", &n, &is_name, err, sizeof(err)), 0);
	assert_int_equal(n, 4294967294u);
	static const char *const names[] = { "postgres", "www-data", "_apt", "Debian-exim", "a.b", "smb$", "A9" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		n = 77;
		assert_int_equal(identity_parse(names[i], &n, &is_name, err, sizeof(err)), 0);
		assert_true(is_name);
		assert_int_equal(n, 77); /* untouched */
	}
	static const char *const bad[] = { "", "4294967295", "-1", "1x", ".x", "-x", "a b", "a:b", "a/b",
					   "$", "a$b", "\xc3\xa9t\xc3\xa9" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(identity_parse(bad[i], &n, &is_name, err, sizeof(err)), -EINVAL);
		assert_string_equal(err, "expected a number from 0 to 4294967294 or a name");
	}
	char longname[300];
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(identity_parse(longname, &n, &is_name, err, sizeof(err)), -EINVAL);
}

static void test_groups(void **state)
{
	(void)state;
	char err[128];
	struct sj_strv v = { 0 };
	assert_int_equal(identity_parse_groups("ssl-cert", &v, err, sizeof(err)), 0);
	assert_int_equal(v.n, 1);
	strv_free(&v);
	assert_int_equal(identity_parse_groups("a,5,b", &v, err, sizeof(err)), 0);
	assert_int_equal(v.n, 3);
	assert_string_equal(v.v[1], "5");
	strv_free(&v);
	assert_int_equal(identity_parse_groups("", &v, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "empty group in the list");
	assert_int_equal(identity_parse_groups(",a", &v, err, sizeof(err)), -EINVAL);
	assert_int_equal(identity_parse_groups("a,b c", &v, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "group 'b c': expected a number from 0 to 4294967294 or a name");
	assert_null(v.v);
}

static void test_wants_user_groups(void **state)
{
	(void)state;
	struct sj_settings s;
	settings_init(&s);
	assert_false(identity_wants_user_groups(&s)); /* no --uid */
	s.uid_set = true;
	s.uid = 5;
	assert_false(identity_wants_user_groups(&s)); /* a number names nobody */
	s.uid_name = "postgres";
	assert_true(identity_wants_user_groups(&s));
	s.gid_set = true;
	assert_false(identity_wants_user_groups(&s)); /* --gid given */
	s.gid_set = false;
	s.groups_set = true;
	assert_false(identity_wants_user_groups(&s)); /* --groups given */
}

static void test_add_group(void **state)
{
	(void)state;
	struct sj_identity id = { 0 };
	assert_int_equal(identity_add_group(&id, 5), 0);
	assert_int_equal(identity_add_group(&id, 7), 0);
	assert_int_equal(identity_add_group(&id, 5), 0);
	assert_int_equal(id.n_groups, 2);
	assert_int_equal(id.groups[1], 7);
	identity_free(&id);
	assert_null(id.groups);
}

static void test_gid_map(void **state)
{
	(void)state;
	char buf[256];
	assert_int_equal(identity_format_gid_map(0, NULL, 0, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0 0 1\n");
	const gid_t g[] = { 104, 103, 0, 103, 7 };
	assert_int_equal(identity_format_gid_map(104, g, 5, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0 0 1\n104 104 1\n103 103 1\n7 7 1\n");
	assert_int_equal(identity_format_gid_map(104, g, 5, buf, 20), -ENOSPC);

	gid_t many[400];
	for (size_t i = 0; i < 400; i++)
		many[i] = (gid_t)(1000 + i);
	static char big[400 * 32];
	assert_int_equal(identity_format_gid_map(5, many, 338, big, sizeof(big)), 0);
	assert_int_equal(identity_format_gid_map(5, many, 339, big, sizeof(big)), -E2BIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_wants_user_groups),
		cmocka_unit_test(test_add_group),
		cmocka_unit_test(test_gid_map),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
