// SPDX-License-Identifier: MIT
/*
 * The command-line rewrite, on a made-up argument block laid out as the
 * kernel lays it out (arguments, then environment strings, contiguous):
 * the strings move to the heap intact, and the title is written so that
 * /proc/PID/cmdline shows it (see proc_title.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include <cmocka.h>

#include "proc_title.h"

extern char **environ;

/* "sockjail\0--\0sh\0" then "A=1\0BB=22\0": 15 bytes of arguments, 25 in all. */
static char block[] = "sockjail\0--\0sh\0A=1\0BB=22";
#define ARGS_LEN 15
#define AREA_LEN 25

static void test_title(void **state)
{
	char *argv[] = { block, block + 9, block + 12, NULL };
	char *env[] = { block + 15, block + 19, NULL };
	char *const command[] = { "sh", "-c", "exec a long command line", NULL };
	char comm[17] = "";

	(void)state;
	environ = env;
	proc_title_init(3, argv);
	/* Moved, not changed. */
	assert_true(argv[0] != block);
	assert_string_equal(argv[0], "sockjail");
	assert_string_equal(argv[1], "--");
	assert_string_equal(argv[2], "sh");
	assert_true(environ != env);
	assert_string_equal(environ[0], "A=1");
	assert_string_equal(environ[1], "BB=22");
	assert_null(environ[2]);
	assert_string_equal(getenv("BB"), "22");

	/* Shorter than the arguments: NUL after it, the arguments' last byte not NUL. */
	assert_int_equal(proc_title_set("sj-test", "x"), 0);
	assert_int_equal(prctl(PR_GET_NAME, comm, 0, 0, 0), 0);
	assert_string_equal(comm, "sj-test");
	assert_string_equal(block, "sockjail: x");
	for (size_t i = strlen("sockjail: x"); i < AREA_LEN; i++)
		assert_int_equal(block[i], i == ARGS_LEN - 1 ? ' ' : '\0');

	/* Longer than everything: cut, and still NUL-terminated inside the block. */
	proc_title_command(command);
	assert_int_equal(proc_title_set("sj-test", "init"), 0);
	assert_int_equal(block[AREA_LEN - 1], '\0');
	assert_string_equal(block, "sockjail: init sh -c exe");
	assert_int_equal(strlen(block), AREA_LEN - 1);
	/* The strings sockjail goes on using are untouched. */
	assert_string_equal(argv[0], "sockjail");
	assert_string_equal(environ[0], "A=1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_title),
	};
	return cmocka_run_group_tests_name("proc_title", tests, NULL, NULL);
}
