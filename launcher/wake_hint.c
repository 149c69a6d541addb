// SPDX-License-Identifier: MIT
/* When to wake the caller on the supervisor's CPU (wake_hint.h). */
#include "wake_hint.h"

void wake_hint_init(struct sj_wake_hint *h)
{
	*h = (struct sj_wake_hint){ .sync = true };
}

bool wake_hint_note(struct sj_wake_hint *h, pid_t tid)
{
	bool was = h->sync;

	/* Counted up to the threshold only: a long run never wraps back to "several". */
	if (h->last_tid == 0 || tid == h->last_tid)
		h->repeats += h->repeats < SJ_WAKE_SYNC_AFTER;
	else
		h->repeats = 0;
	h->last_tid = tid;
	if (h->repeats == 0)
		h->sync = false;
	else if (h->repeats >= SJ_WAKE_SYNC_AFTER)
		h->sync = true;
	return h->sync != was;
}
