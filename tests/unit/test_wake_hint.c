// SPDX-License-Identifier: MIT
/*
 * The wake-up hint (wake_hint.h): one thread keeps the synchronous
 * wake-up and never toggles it; threads taking turns turn it off once;
 * a run of one thread's calls turns it back on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "wake_hint.h"

/* Feeds the calls in order; returns how many times the hint changed. */
static int feed(struct sj_wake_hint *h, const pid_t *tids, size_t n)
{
	int changes = 0;
	for (size_t i = 0; i < n; i++)
		changes += wake_hint_note(h, tids[i]);
	return changes;
}

static void t_one_thread_stays_synchronous(void **state)
{
	struct sj_wake_hint h;
	wake_hint_init(&h);
	assert_true(h.sync);
	for (int i = 0; i < 1000; i++)
		assert_false(wake_hint_note(&h, 42));
	assert_true(h.sync);
	/* The count stops at the threshold, so it can never wrap to 0. */
	assert_int_equal(h.repeats, SJ_WAKE_SYNC_AFTER);
}

static void t_threads_taking_turns_turn_it_off_once(void **state)
{
	struct sj_wake_hint h;
	wake_hint_init(&h);
	int changes = 0;
	for (int round = 0; round < 100; round++)
		for (pid_t tid = 100; tid < 108; tid++)
			changes += wake_hint_note(&h, tid);
	assert_false(h.sync);
	assert_int_equal(changes, 1);
}

static void t_two_threads_alternating_are_several(void **state)
{
	struct sj_wake_hint h;
	wake_hint_init(&h);
	const pid_t tids[] = { 7, 8, 7, 8, 7, 8 };
	assert_int_equal(feed(&h, tids, sizeof(tids) / sizeof(tids[0])), 1);
	assert_false(h.sync);
}

static void t_a_run_of_one_thread_turns_it_back_on(void **state)
{
	struct sj_wake_hint h;
	wake_hint_init(&h);
	const pid_t turns[] = { 1, 2, 3 };
	feed(&h, turns, 3);
	assert_false(h.sync);
	/* The first call of the run is not enough: another may be waiting behind it. */
	assert_false(wake_hint_note(&h, 3));
	assert_false(h.sync);
	assert_true(wake_hint_note(&h, 3));
	assert_true(h.sync);
	assert_int_equal(h.repeats, SJ_WAKE_SYNC_AFTER);
}

static void t_the_first_call_changes_nothing(void **state)
{
	struct sj_wake_hint h;
	wake_hint_init(&h);
	assert_false(wake_hint_note(&h, 99));
	assert_true(h.sync);
	/* A different thread next: now there are two. */
	assert_true(wake_hint_note(&h, 100));
	assert_false(h.sync);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_one_thread_stays_synchronous),
		cmocka_unit_test(t_threads_taking_turns_turn_it_off_once),
		cmocka_unit_test(t_two_threads_alternating_are_several),
		cmocka_unit_test(t_a_run_of_one_thread_turns_it_back_on),
		cmocka_unit_test(t_the_first_call_changes_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
