/* SPDX-License-Identifier: MIT */
/*
 * What the sandbox's init does about the processes other than COMMAND:
 * count them when COMMAND exits, signal them under --wait all. Runs inside
 * the sandbox's PID namespace, where /proc is the sandbox's own.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* Is pid in the caller's process group (as getpgid(2) sees both)? */
bool reaper_same_pgrp(pid_t pid);

/* How many processes besides init (pid 1) exist in the namespace; -errno. */
int reaper_count_others(void);

/*
 * Send sig to every process in the namespace but init. A signal the
 * terminal sent (from_tty) skips those in init's process group, which got
 * it from the terminal already.
 */
void reaper_signal_all(int sig, bool from_tty);
