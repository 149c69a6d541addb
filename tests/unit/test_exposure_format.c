// SPDX-License-Identifier: MIT
/* --exposure's order, table and JSON, from facts given here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "exposure.h"

static struct sj_exposure_row row(const char *addr, enum sj_reach reach, bool has_uid, uid_t uid)
{
	struct sj_exposure_row r = { .abstract = addr[0] == '@', .type = "stream", .inode = 7, .pid = 42,
				     .has_uid = has_uid, .uid = uid, .reach = reach, .origin = "--other-sockets",
				     .origin_arg = "hidden" };
	snprintf(r.address, sizeof(r.address), "%s", addr);
	snprintf(r.comm, sizeof(r.comm), "srv");
	if (!r.abstract) {
		r.has_file = true;
		r.mode = 0140755;
	}
	return r;
}

static char *print(const struct sj_exposure *e, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	if (json)
		exposure_print_json(f, e);
	else
		exposure_print_text(f, e);
	fclose(f);
	return buf;
}

static void test_most_dangerous_first(void **state)
{
	struct sj_settings s;
	settings_init(&s);
	struct sj_exposure_row rows[] = {
		row("/tmp/a-hidden.sock", SJ_REACH_HIDDEN, true, 0),
		row("/tmp/b-mine.sock", SJ_REACH_VISIBLE, true, 1000),
		row("/tmp/c-root.sock", SJ_REACH_VISIBLE, true, 0),
		row("/tmp/d-other.sock", SJ_REACH_GRANTED, true, 1001),
		row("@abstract", SJ_REACH_PRIVATE_NETNS, true, 0),
		row("/tmp/e-unknown.sock", SJ_REACH_VISIBLE, false, 0),
	};
	struct sj_exposure e = { .uid = 1000, .gid = 1000, .s = &s, .rows = rows, .n_rows = 6 };
	exposure_sort(&e);
	/* Reachable and someone else's (root, another uid, unknown), then ours, then the rest. */
	assert_string_equal(rows[0].address, "/tmp/c-root.sock");
	assert_string_equal(rows[1].address, "/tmp/d-other.sock");
	assert_string_equal(rows[2].address, "/tmp/e-unknown.sock");
	assert_string_equal(rows[3].address, "/tmp/b-mine.sock");
	assert_string_equal(rows[4].address, "/tmp/a-hidden.sock");
	assert_string_equal(rows[5].address, "@abstract");
	settings_free(&s);
}

static void test_text(void **state)
{
	struct sj_settings s;
	settings_init(&s);
	struct sj_exposure_row rows[] = {
		row("/tmp/x.sock", SJ_REACH_VISIBLE, true, 0),
		row("/run/app/s", SJ_REACH_GRANTED, true, 0),
		row("/tmp/hidden.sock", SJ_REACH_HIDDEN, true, 0),
		row("@name", SJ_REACH_PRIVATE_NETNS, false, 0),
	};
	snprintf(rows[0].comm, sizeof(rows[0].comm), "a b");
	rows[0].sandbox_path = "/tmp/x.sock";
	rows[1].sandbox_path = "/run/app/s";
	rows[2].sandbox_path = "/tmp/hidden.sock";
	rows[3].pid = 0;
	struct sj_exposure e = { .uid = 0, .s = &s, .rows = rows, .n_rows = 4, .caps = "" };
	exposure_sort(&e);
	char *t = print(&e, false);
	assert_non_null(strstr(t, "reachable: 1 socket outside /run, 1 in /run, 0 abstract; hidden: 1 (of 4 listed)\n"));
	assert_non_null(strstr(t, "capabilities:     none\n"));
	/* Every row splits into as many words as the header has columns (with "MODE/OWNER", "DECIDED BY"). */
	assert_non_null(strstr(t, "a\\x20b"));
	char *line = strstr(t, "REACH");
	assert_non_null(line);
	size_t col_addr = (size_t)(strstr(line, "ADDRESS") - line);
	for (char *l = strchr(line, '\n') + 1; *l; l = strchr(l, '\n') + 1) {
		/* Aligned: each address starts in the ADDRESS column. */
		assert_true(l[col_addr] == '/' || l[col_addr] == '@');
		assert_true(l[col_addr - 1] == ' ');
	}
	assert_non_null(strstr(t, "unknown"));
	free(t);
	settings_free(&s);
}

static void test_json(void **state)
{
	struct sj_settings s;
	settings_init(&s);
	struct sj_exposure_row rows[] = {
		row("/tmp/q\"uote.sock", SJ_REACH_VISIBLE, true, 0),
		row("@n\\x0a", SJ_REACH_LANDLOCK, false, 0),
	};
	snprintf(rows[0].comm, sizeof(rows[0].comm), "c\x01");
	rows[0].sandbox_path = "/tmp/q\"uote.sock";
	rows[1].pid = 0;
	rows[1].origin = "--abstract-connect";
	rows[1].origin_arg = "deny";
	struct sj_exposure e = { .uid = 0, .s = &s, .rows = rows, .n_rows = 2, .caps = "cap_chown,cap_kill",
				 .n_inherited = 2, .inherited_names = "web:admin" };
	char *t = print(&e, true);
	assert_non_null(strstr(t, "{\"version\":1,\"summary\":{\"reachable_outside_run\":1,\"reachable_in_run\":0,"
				  "\"reachable_abstract\":0,\"hidden\":0,\"total\":2},"));
	assert_non_null(strstr(t, "\"address\":\"/tmp/q\\\"uote.sock\""));
	assert_non_null(strstr(t, "\"comm\":\"c\\u0001\""));
	assert_non_null(strstr(t, "\"file\":{\"mode\":\"0755\",\"uid\":0}"));
	assert_non_null(strstr(t, "\"address\":\"@n\\\\x0a\",\"kind\":\"abstract\""));
	assert_non_null(strstr(t, "\"owner\":{\"pid\":null,\"comm\":null,\"uid\":null},\"file\":null,\"reachable\":false,"
				  "\"reason\":\"landlock\",\"decided_by\":\"--abstract-connect\",\"argument\":\"deny\","
				  "\"sandbox_path\":null}"));
	assert_non_null(strstr(t, "\"capabilities\":[\"cap_chown\",\"cap_kill\"]"));
	assert_non_null(strstr(t, "\"inherited_fds\":[{\"fd\":3,\"name\":\"web\"},{\"fd\":4,\"name\":\"admin\"}]"));
	assert_string_equal(t + strlen(t) - 3, "]}\n");
	free(t);
	settings_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_most_dangerous_first),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
