// SPDX-License-Identifier: MIT
/* identity_getent.c: getent's passwd, group and initgroups lines, honest and hostile. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "identity.h"
#include "identity_getent.h"

static int passwd(const char *s, struct sj_getent_user *u)
{
	return identity_getent_parse_passwd(s, strlen(s), false, u);
}

static int group(const char *s, gid_t *g)
{
	return identity_getent_parse_group(s, strlen(s), false, g);
}

static void test_passwd(void **state)
{
	(void)state;
	struct sj_getent_user u;

	assert_int_equal(passwd("postgres:x:101:104:PostgreSQL administrator,,,:/var/lib/postgresql:/bin/bash\n", &u), 0);
	assert_int_equal(u.uid, 101);
	assert_int_equal(u.gid, 104);
	assert_string_equal(u.name, "postgres");
	/* A gecos from a directory may hold ':'; uid and gid come before it. */
	assert_int_equal(passwd("Alice:*:4294967294:0:a:b:c:/home/a:/bin/sh\n", &u), 0);
	assert_int_equal(u.uid, 4294967294u);
	assert_int_equal(u.gid, 0);
	assert_string_equal(u.name, "Alice");
	assert_int_equal(passwd("a:x:007:8:::\n", &u), 0);
	assert_int_equal(u.uid, 7);
}

static void test_passwd_hostile(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"",
		"\n",
		"a:x:1:2:::",             /* no end of line, and not cut short */
		"a:x:1:2:::\nb:x:3:4:::\n", /* two answers to one key */
		"a:x:1:2:::\n\n",
		"a:x:1\n",                /* fields missing */
		"a:x:1:2\n",
		"a:x:1:2::\n",            /* six fields */
		":x:1:2:::\n",            /* no name */
		"a:x::2:::\n",            /* no uid */
		"a:x:1::::\n",
		"a:x:1a:2:::\n",          /* not numbers */
		"a:x: 1:2:::\n",
		"a:x:1 :2:::\n",
		"a:x:-1:2:::\n",
		"a:x:+1:2:::\n",
		"a:x:0x10:2:::\n",
		"a:x:1:-2:::\n",
		"a:x:4294967295:2:::\n",  /* (uid_t)-1 */
		"a:x:1:4294967295:::\n",
		"a:x:4294967296:2:::\n",  /* overflow */
		"a:x:99999999999999999999:2:::\n",
		"a:x:00000000001:2:::\n", /* more digits than any id has */
		"a x 1 2\n",
		"No such user\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sj_getent_user u = { .uid = 77, .gid = 78, .name = "untouched" };
		if (passwd(bad[i], &u) != -EBADMSG)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(u.uid, 77);
		assert_int_equal(u.gid, 78);
		assert_string_equal(u.name, "untouched");
	}
	struct sj_getent_user u;
	/* A NUL is nothing "%s" prints. */
	static const char nul[] = "a:x:1\0:2:::\n";
	assert_int_equal(identity_getent_parse_passwd(nul, sizeof(nul) - 1, false, &u), -EBADMSG);
	static const char nul_end[] = "a:x:1:2:::\n\0";
	assert_int_equal(identity_getent_parse_passwd(nul_end, sizeof(nul_end) - 1, false, &u), -EBADMSG);

	/* Names: up to 255 bytes kept, longer refused. */
	char line[600];
	memset(line, 'n', 255);
	strcpy(line + 255, ":x:1:2:::\n");
	assert_int_equal(passwd(line, &u), 0);
	assert_int_equal(strlen(u.name), 255);
	memset(line, 'n', 256);
	strcpy(line + 256, ":x:1:2:::\n");
	assert_int_equal(passwd(line, &u), -EBADMSG);
}

static void test_passwd_long_and_cut(void **state)
{
	(void)state;
	struct sj_getent_user u;
	/* A gecos of 3 MiB: read whole, or cut short after the gid. */
	size_t big = 3u << 20;
	char *s = malloc(big + 64);
	assert_non_null(s);
	strcpy(s, "u:x:1000:1000:");
	size_t n = strlen(s);
	memset(s + n, 'g', big);
	strcpy(s + n + big, ":/home/u:/bin/sh\n");
	assert_int_equal(passwd(s, &u), 0);
	assert_int_equal(u.uid, 1000);
	assert_int_equal(identity_getent_parse_passwd(s, n + 10, true, &u), 0);
	assert_int_equal(u.gid, 1000);
	free(s);

	/* Cut before the gid ends: not enough. */
	assert_int_equal(identity_getent_parse_passwd("u:x:1000:100", 12, true, &u), -EBADMSG);
	/* Cut short, yet with a newline inside: more than one line. */
	assert_int_equal(identity_getent_parse_passwd("u:x:1:2:::\n", 11, true, &u), -EBADMSG);
}

static void test_group(void **state)
{
	(void)state;
	gid_t g = 77;

	assert_int_equal(group("ssl-cert:x:103:postgres\n", &g), 0);
	assert_int_equal(g, 103);
	assert_int_equal(group("nogroup:x:65534:\n", &g), 0);
	assert_int_equal(g, 65534);
	assert_int_equal(group("root:x:0:a,b,c\n", &g), 0);
	assert_int_equal(g, 0);

	static const char *const bad[] = {
		"", "\n", "g:x:5\n", "g:x:5", ":x:5:\n", "g:x::\n", "g:x:five:\n", "g:x:-5:\n", "g:x:5 :\n",
		"g:x:4294967295:\n", "g:x:18446744073709551621:\n", "g:x:5:\ng:x:6:\n", "g:x:5:a\n\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		g = 77;
		if (group(bad[i], &g) != -EBADMSG)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(g, 77);
	}
	/* A huge member list, cut short by the reader: the gid is before the cut. */
	static const char cut[] = "staff:x:50:alice,bob,car";
	assert_int_equal(identity_getent_parse_group(cut, sizeof(cut) - 1, true, &g), 0);
	assert_int_equal(g, 50);
	assert_int_equal(identity_getent_parse_group("staff:x:5", 9, true, &g), -EBADMSG);
}

static int initgroups(const char *s, const char *name, gid_t **g, size_t *n)
{
	return identity_getent_parse_initgroups(s, strlen(s), false, name, g, n);
}

static void test_initgroups(void **state)
{
	(void)state;
	gid_t *g = NULL;
	size_t n = 99;

	/* getent pads the name to 21 columns. */
	assert_int_equal(initgroups("postgres              103\n", "postgres", &g, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(g[0], 103);
	free(g);
	assert_int_equal(initgroups("root                 \n", "root", &g, &n), 0);
	assert_int_equal(n, 0);
	assert_null(g);
	assert_int_equal(initgroups("root\n", "root", &g, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(initgroups("a-rather-long-user-name 4294967294 0 27  100\n", "a-rather-long-user-name", &g, &n),
			 0);
	assert_int_equal(n, 4);
	assert_int_equal(g[0], 4294967294u);
	assert_int_equal(g[1], 0);
	assert_int_equal(g[3], 100);
	free(g);
}

static void test_initgroups_hostile(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"",
		"\n",
		"postgres 103",          /* no end of line */
		"postgres 103\npostgres 104\n",
		"other 103\n",           /* another user */
		"postgresql 103\n",      /* a longer name that starts alike */
		"Postgres 103\n",
		"postgres\t103\n",
		" postgres 103\n",
		"postgres 103 x\n",
		"postgres 10x\n",
		"postgres -5\n",
		"postgres +5\n",
		"postgres 4294967295\n",
		"postgres 4294967296\n",
		"postgres 123456789012345678901234567890\n",
		"postgres 1,2\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		gid_t *g = (gid_t *)&bad;
		size_t n = 99;
		if (initgroups(bad[i], "postgres", &g, &n) != -EBADMSG)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_ptr_equal(g, (gid_t *)&bad);
		assert_int_equal(n, 99);
	}
	gid_t *g = NULL;
	size_t n = 0;
	assert_int_equal(initgroups("x 1\n", "", &g, &n), -EBADMSG);
	static const char nul[] = "postgres 1\0 2\n";
	assert_int_equal(identity_getent_parse_initgroups(nul, sizeof(nul) - 1, false, "postgres", &g, &n), -EBADMSG);
	/* Cut short: groups would be lost. */
	assert_int_equal(identity_getent_parse_initgroups("postgres 1 2", 12, true, "postgres", &g, &n), -E2BIG);
}

static void test_initgroups_count(void **state)
{
	(void)state;
	/* SJ_GROUPS_MAX gids are taken, one more is refused. */
	size_t len = 2 + (size_t)(SJ_GROUPS_MAX + 1) * 6 + 2;
	char *s = malloc(len);
	assert_non_null(s);
	char *p = s;
	p += sprintf(p, "u");
	for (int i = 0; i < SJ_GROUPS_MAX; i++)
		p += sprintf(p, " %d", 10000 + i % 50000);
	strcpy(p, "\n");
	gid_t *g = NULL;
	size_t n = 0;
	assert_int_equal(initgroups(s, "u", &g, &n), 0);
	assert_int_equal(n, SJ_GROUPS_MAX);
	assert_int_equal(g[SJ_GROUPS_MAX - 1], 10000 + (SJ_GROUPS_MAX - 1) % 50000);
	free(g);
	strcpy(p, " 7\n");
	g = NULL;
	assert_int_equal(initgroups(s, "u", &g, &n), -E2BIG);
	assert_null(g);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_passwd),
		cmocka_unit_test(test_passwd_hostile),
		cmocka_unit_test(test_passwd_long_and_cut),
		cmocka_unit_test(test_group),
		cmocka_unit_test(test_initgroups),
		cmocka_unit_test(test_initgroups_hostile),
		cmocka_unit_test(test_initgroups_count),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
