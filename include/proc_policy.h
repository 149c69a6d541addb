/* SPDX-License-Identifier: MIT */
/*
 * Pure rules for the sandbox's processes: which received signals are
 * passed on, and the exit status under --wait all. Used by the supervisor
 * and by the sandbox's init; unit-tested without processes.
 */
#pragma once

#include <stdbool.h>

/*
 * A signal with si_code SI_KERNEL that is not a fault came from the
 * terminal (Ctrl-C, Ctrl-\, SIGWINCH, a hangup), which sends it to its
 * whole foreground process group. If the target is in our process group,
 * it got its own copy: passing ours on would deliver it twice, and
 * programs that take a second SIGINT as "quit now" would skip their clean
 * shutdown. Anything else (kill(2) from a process: SI_USER, SI_QUEUE,
 * SI_TKILL) is passed on.
 */
bool proc_policy_forward_signal(int si_code, bool target_in_our_pgrp);

/*
 * --wait all: the sandbox's exit status, from wait statuses (as waitpid(2)
 * gives them). COMMAND's if it failed (non-zero or a signal), else that
 * of the last process to exit. Returns sockjail's exit status.
 */
int proc_policy_wait_all_status(int command_status, int last_status);

/* A wait status as sockjail's exit status: the code, or 128+signal. */
int proc_policy_exit_status(int wait_status);
