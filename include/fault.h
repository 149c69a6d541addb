/* SPDX-License-Identifier: MIT */
/*
 * Fault injection for the tests, compiled in only by `make fault`
 * ($(BUILD)/fault/sockjail, built with -DSJ_FAULT_INJECTION); in every other
 * build fault_point() is empty and the environment is never read.
 *
 * A test arms a point NAME by creating $SJ_FAULT_DIR/NAME.arm. The first
 * time the code passes that point, it removes the .arm file, creates
 * NAME.reached and waits (60 s at most) until NAME.go exists: the test
 * changes the world at exactly that moment (kills the target of a
 * notification, swaps a symlink) and so shows that the check after the
 * point is what stops the attack, without depending on timing.
 *
 * Points: "after-copy" (notify.c: the bind address was copied out of the
 * target, its notification not yet checked again), "executor-checked"
 * (emulate.c: --pathname-bind run-dirs checked the path, the executor has
 * not yet restricted itself with Landlock), "follow-first-look"
 * (run_socket_follow.c: the sandbox's mounts are done, the supervisor has
 * not yet mounted the --run-socket-optional sockets that exist).
 */
#pragma once

#ifdef SJ_FAULT_INJECTION
void fault_point(const char *name);
#else
static inline void fault_point(const char *name)
{
	(void)name;
}
#endif
