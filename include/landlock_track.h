/* SPDX-License-Identifier: MIT */
/*
 * The Landlock rulesets processes in the sandbox restricted themselves
 * with, as the supervisor saw them pass through landlock_restrict_self()
 * (a notified call). A bind sockjail performs for a process restricts the
 * executor with the same rulesets, so the program's own rules apply to it
 * (design.md, "The executor's view must not be the target's choice").
 *
 * A domain is inherited by children, so a process's rulesets are those of
 * its own thread group and of its living ancestors up to the sandbox's
 * edge (PPid chain). Two approximations, both towards refusing:
 * a restriction by one thread counts for its whole thread group, and one
 * made after a child was forked counts for that child too. A descendant
 * whose restricted ancestors have all exited is reparented and no longer
 * found (man page, SECURITY NOTES).
 */
#pragma once

#include <stddef.h>
#include <sys/types.h>

struct sj_landlock_record {
	pid_t pid;	/* thread group that restricted itself */
	int pidfd;	/* of pid: is it still that process? */
	int ruleset;	/* our duplicate of the ruleset fd it passed */
};

struct sj_landlock_track {
	struct sj_landlock_record *v;
	size_t n, cap;
	pid_t edge; /* the supervisor: where the PPid walk stops */
};

/* Record that pid (pidfd) restricted itself with ruleset; takes both fds. 0 or -ENOMEM (fds closed). */
int landlock_track_add(struct sj_landlock_track *t, pid_t pid, int pidfd, int ruleset);

/*
 * The rulesets that apply to thread tid, ancestors' first, into out[max]
 * (fds still owned by t). Returns their number, 0 when none, -E2BIG when
 * more than max, or another negative errno when tid's lineage cannot be
 * read (the caller refuses).
 */
int landlock_track_lookup(struct sj_landlock_track *t, pid_t tid, int *out, size_t max);

void landlock_track_free(struct sj_landlock_track *t);
