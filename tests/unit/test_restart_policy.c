// SPDX-License-Identifier: MIT
/*
 * --restart's pure half: the words and numbers it accepts, when an exit
 * calls for a restart, and the exact stderr line and audit record.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "restart_policy.h"

/* wait(2) status words, built as the kernel builds them. */
#define EXITED(n) ((n) << 8)
#define KILLED(sig) (sig)

static void test_policy_words(void **state)
{
	int v = -1;
	assert_int_equal(restart_parse_policy("no", &v), 0);
	assert_int_equal(v, SJ_RESTART_NO);
	assert_int_equal(restart_parse_policy("on-failure", &v), 0);
	assert_int_equal(v, SJ_RESTART_ON_FAILURE);
	assert_int_equal(restart_parse_policy("always", &v), 0);
	assert_int_equal(v, SJ_RESTART_ALWAYS);
	v = 42;
	assert_int_equal(restart_parse_policy("on-abort", &v), -EINVAL);
	assert_int_equal(restart_parse_policy("", &v), -EINVAL);
	assert_int_equal(restart_parse_policy("Always", &v), -EINVAL);
	assert_int_equal(v, 42);
}

static void test_seconds(void **state)
{
	unsigned ms = 7;
	assert_int_equal(restart_parse_seconds("1", &ms), 0);
	assert_int_equal(ms, 1000);
	assert_int_equal(restart_parse_seconds("0", &ms), 0);
	assert_int_equal(ms, 0);
	assert_int_equal(restart_parse_seconds("0.25", &ms), 0);
	assert_int_equal(ms, 250);
	assert_int_equal(restart_parse_seconds("2.5", &ms), 0);
	assert_int_equal(ms, 2500);
	assert_int_equal(restart_parse_seconds("0.001", &ms), 0);
	assert_int_equal(ms, 1);
	assert_int_equal(restart_parse_seconds("3600", &ms), 0);
	assert_int_equal(ms, 3600000);
	ms = 7;
	assert_int_equal(restart_parse_seconds("3600.001", &ms), -ERANGE);
	assert_int_equal(restart_parse_seconds("99999999999999", &ms), -ERANGE);
	assert_int_equal(restart_parse_seconds("0.0001", &ms), -EINVAL);
	assert_int_equal(restart_parse_seconds("-1", &ms), -EINVAL);
	assert_int_equal(restart_parse_seconds("+1", &ms), -EINVAL);
	assert_int_equal(restart_parse_seconds(" 1", &ms), -EINVAL);
	assert_int_equal(restart_parse_seconds("1s", &ms), -EINVAL);
	assert_int_equal(restart_parse_seconds("1.", &ms), -EINVAL);
	assert_int_equal(restart_parse_seconds(".5", &ms), -EINVAL);
	assert_int_equal(restart_parse_seconds("1e3", &ms), -EINVAL);
	assert_int_equal(restart_parse_seconds("", &ms), -EINVAL);
	assert_int_equal(ms, 7);
}

static void test_wanted(void **state)
{
	assert_false(restart_wanted(SJ_RESTART_NO, EXITED(1), false));
	assert_false(restart_wanted(SJ_RESTART_NO, KILLED(SIGSEGV), false));
	assert_false(restart_wanted(SJ_RESTART_ON_FAILURE, EXITED(0), false));
	assert_true(restart_wanted(SJ_RESTART_ON_FAILURE, EXITED(1), false));
	assert_true(restart_wanted(SJ_RESTART_ON_FAILURE, EXITED(255), false));
	assert_true(restart_wanted(SJ_RESTART_ON_FAILURE, KILLED(SIGKILL), false));
	assert_true(restart_wanted(SJ_RESTART_ALWAYS, EXITED(0), false));
	assert_true(restart_wanted(SJ_RESTART_ALWAYS, KILLED(SIGTERM), false));
	/* Asked to stop: never, whatever the status. */
	assert_false(restart_wanted(SJ_RESTART_ALWAYS, EXITED(0), true));
	assert_false(restart_wanted(SJ_RESTART_ON_FAILURE, KILLED(SIGTERM), true));
}

static void test_line(void **state)
{
	char buf[256];
	struct sj_restart_event ev = { .count = 1, .wait_status = EXITED(3), .delay_ms = 1000 };
	restart_format_line(buf, sizeof(buf), &ev);
	assert_string_equal(buf, "COMMAND exited with status 3; restart 1 in 1 s");
	ev = (struct sj_restart_event){ .count = 12, .wait_status = KILLED(SIGSEGV), .delay_ms = 250 };
	restart_format_line(buf, sizeof(buf), &ev);
	assert_string_equal(buf, "COMMAND was killed by SIGSEGV; restart 12 in 0.25 s");
	ev.delay_ms = 1500;
	restart_format_line(buf, sizeof(buf), &ev);
	assert_string_equal(buf, "COMMAND was killed by SIGSEGV; restart 12 in 1.5 s");
	ev.delay_ms = 1;
	restart_format_line(buf, sizeof(buf), &ev);
	assert_string_equal(buf, "COMMAND was killed by SIGSEGV; restart 12 in 0.001 s");
	/* Truncated, never overrun; the length it needed is returned. */
	assert_int_equal(restart_format_line(buf, 10, &ev), strlen("COMMAND was killed by SIGSEGV; restart 12 in 0.001 s"));
	assert_string_equal(buf, "COMMAND w");
}

static void test_json(void **state)
{
	char buf[256];
	struct sj_restart_event ev = {
		.ts = { .tv_sec = 1795900420, .tv_nsec = 123456789 },
		.count = 2,
		.wait_status = EXITED(1),
		.delay_ms = 1000,
	};
	restart_format_json(buf, sizeof(buf), &ev);
	assert_string_equal(buf, "{\"ts\":\"2026-11-28T21:13:40.123456Z\",\"event\":\"restart\",\"restart\":2,"
				 "\"exit-status\":1,\"delay-ms\":1000}");
	ev.wait_status = KILLED(SIGABRT);
	ev.delay_ms = 0;
	restart_format_json(buf, sizeof(buf), &ev);
	assert_string_equal(buf, "{\"ts\":\"2026-11-28T21:13:40.123456Z\",\"event\":\"restart\",\"restart\":2,"
				 "\"signal\":\"SIGABRT\",\"delay-ms\":0}");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_words), cmocka_unit_test(test_seconds),
		cmocka_unit_test(test_wanted),       
		cmocka_unit_test(test_line),         cmocka_unit_test(test_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
