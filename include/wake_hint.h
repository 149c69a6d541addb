/* SPDX-License-Identifier: MIT */
/*
 * Whether the supervisor's answers should wake the caller on the
 * supervisor's own CPU (SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP, 6.6+): a pure
 * decision from the order in which threads call, kept apart from the
 * ioctl that applies it (notify.c).
 *
 * One thread calling again and again: on. Its round trip then costs a few
 * µs instead of the ~30 µs of waking an idle CPU. Several threads waiting
 * at once: off. Each answer would pull its thread onto the supervisor's
 * CPU, and 8 threads then share one CPU with the supervisor while the
 * others idle (README.md, "Parallel binds"). The sign of several waiting
 * is another thread's call between two of one thread's.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* Calls in a row from one thread after which the wake-up goes synchronous again. */
#define SJ_WAKE_SYNC_AFTER 2

struct sj_wake_hint {
	pid_t last_tid; /* 0 before the first call */
	unsigned repeats;
	bool sync;
};

/* Starts on: the listener is set up with the flag. */
void wake_hint_init(struct sj_wake_hint *h);

/* A call from thread tid came in; true when h->sync changed (apply it). */
bool wake_hint_note(struct sj_wake_hint *h, pid_t tid);
