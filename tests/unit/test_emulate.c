// SPDX-License-Identifier: MIT
/*
 * The pure half of the bind executor: reading a thread's identity from
 * /proc/<tid>/status, and turning the ids the supervisor sees into the ids
 * of the target's own user namespace, which is where the executor sets them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "emulate.h"

static const char status_text[] =
	"Name:\tserver\n"
	"Umask:\t0027\n"
	"State:\tS (sleeping)\n"
	"Uid:\t65534\t65534\t65534\t65534\n"
	"Gid:\t65534\t65534\t65534\t65534\n"
	"FDSize:\t64\n"
	"Groups:\t65534 100 \n"
	"CapInh:\t0000000000000000\n"
	"CapPrm:\t0000000000000400\n"
	"CapEff:\t0000000000000400\n"
	"CapBnd:\t0000000000000400\n";

static void test_parse_status(void **state)
{
	struct sj_emulate_target t;
	(void)state;
	memset(&t, 0, sizeof(t));
	assert_int_equal(emulate_parse_status(status_text, &t), 0);
	assert_int_equal(t.uid[0], 65534);
	assert_int_equal(t.uid[3], 65534);
	assert_int_equal(t.gid[1], 65534);
	assert_int_equal(t.n_groups, 2);
	assert_int_equal(t.groups[1], 100);
	assert_int_equal(t.cap_eff, 0x400);
	assert_int_equal(t.cap_prm, 0x400);
	assert_int_equal(t.cap_inh, 0);
	assert_int_equal(t.umask, 027);
}

static void test_parse_status_incomplete(void **state)
{
	struct sj_emulate_target t;
	(void)state;
	memset(&t, 0, sizeof(t));
	/* No Umask line (a kernel before 4.7): refuse rather than guess. */
	assert_int_equal(emulate_parse_status("Uid:\t0 0 0 0\nGid:\t0 0 0 0\nGroups:\t\n"
					      "CapInh:\t0\nCapPrm:\t0\nCapEff:\t0\n",
					      &t),
			 -EINVAL);
}

/* Rootless with --uid 1000 --gid 1000: the sandbox's 1000 is the caller's 65534. */
static void test_translate_rootless_uid(void **state)
{
	struct sj_emulate_target t;
	(void)state;
	memset(&t, 0, sizeof(t));
	assert_int_equal(emulate_parse_status(status_text, &t), 0);
	assert_int_equal(emulate_translate_ids("      1000      65534          1\n",
					       "      1000      65534          1\n", &t),
			 0);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(t.uid[i], 1000);
		assert_int_equal(t.gid[i], 1000);
	}
	/* Group 100 has no name in the sandbox: dropped; 65534 is its 1000. */
	assert_int_equal(t.n_groups, 1);
	assert_int_equal(t.groups[0], 1000);
}

/* Several extents: the one that covers the id decides. */
static void test_translate_extents(void **state)
{
	struct sj_emulate_target t;
	(void)state;
	memset(&t, 0, sizeof(t));
	t.uid[0] = 0;
	t.uid[1] = 1000;
	t.uid[2] = 1000;
	t.uid[3] = 1000;
	t.gid[0] = t.gid[1] = t.gid[2] = t.gid[3] = 0;
	assert_int_equal(emulate_translate_ids("0 0 1\n1000 1000 1\n", "0 0 1\n", &t), 0);
	assert_int_equal(t.uid[0], 0);
	assert_int_equal(t.uid[1], 1000);
	/* A subordinate range, as newuidmap writes it. */
	struct sj_emulate_target sub = { .uid = { 100005, 100005, 100005, 100005 },
					 .gid = { 165535, 165535, 165535, 165535 } };
	assert_int_equal(emulate_translate_ids("0 100000 65536\n", "0 100000 65536\n", &sub), 0);
	assert_int_equal(sub.uid[2], 5);
	assert_int_equal(sub.gid[2], 65535);
}

/*
 * No uid_map at all (root without CAP_SETFCAP, idmap.h): the uids are kept
 * as they are (-1 to setresuid()), the gids still translated.
 */
static void test_translate_no_uid_map(void **state)
{
	struct sj_emulate_target t = { .uid = { 0, 0, 0, 0 }, .gid = { 0, 0, 0, 0 } };
	(void)state;
	assert_int_equal(emulate_translate_ids("", "0 0 1\n", &t), 0);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(t.uid[i], (uid_t)-1);
		assert_int_equal(t.gid[i], 0);
	}
	/* A gid the map does not cover still fails. */
	t.gid[0] = 5;
	assert_int_equal(emulate_translate_ids("", "0 0 1\n", &t), -EINVAL);
}

/* An id the maps do not cover fails, and leaves the target untouched. */
static void test_translate_unmapped(void **state)
{
	struct sj_emulate_target t;
	(void)state;
	memset(&t, 0, sizeof(t));
	assert_int_equal(emulate_parse_status(status_text, &t), 0);
	assert_int_equal(emulate_translate_ids("0 0 1\n", "0 65534 1\n", &t), -EINVAL);
	assert_int_equal(t.uid[0], 65534);
	assert_int_equal(t.gid[0], 65534);
	assert_int_equal(t.n_groups, 2);
	/* The last id of an extent is in it; the next one is not. */
	t.uid[0] = t.uid[1] = t.uid[2] = t.uid[3] = 10;
	t.gid[0] = t.gid[1] = t.gid[2] = t.gid[3] = 10;
	assert_int_equal(emulate_translate_ids("0 5 6\n", "0 5 6\n", &t), 0);
	assert_int_equal(t.uid[0], 5);
	t.uid[0] = t.uid[1] = t.uid[2] = t.uid[3] = 11;
	t.gid[0] = t.gid[1] = t.gid[2] = t.gid[3] = 11;
	assert_int_equal(emulate_translate_ids("0 5 6\n", "0 5 6\n", &t), -EINVAL);
	/* An empty map (not written yet) maps nothing. */
	assert_int_equal(emulate_translate_ids("", "", &t), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_status),
		cmocka_unit_test(test_parse_status_incomplete),
		cmocka_unit_test(test_translate_rootless_uid),
		cmocka_unit_test(test_translate_extents),
		cmocka_unit_test(test_translate_no_uid_map),
		cmocka_unit_test(test_translate_unmapped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
