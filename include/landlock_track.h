/* SPDX-License-Identifier: MIT */
/*
 * The Landlock rulesets processes in the sandbox restricted themselves
 * with, as the supervisor saw them pass through landlock_restrict_self()
 * (a notified call). A bind sockjail performs for a process restricts the
 * executor with the same rulesets, so the program's own rules apply to it
 * (design.md, "The executor's view must not be the target's choice").
 *
 * A domain is inherited by children, so a process's rulesets are those of
 * its thread group and of its ancestors (the PPid chain). A process whose
 * chain does not reach COMMAND's first process was orphaned on the way:
 * its lost ancestors may have restricted themselves, so it gets every
 * ruleset recorded before it started. All approximations go towards
 * refusing: a restriction by one thread counts for its whole thread group,
 * one made after a child was forked counts for that child too, and an
 * orphan may get rules of processes it does not descend from.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>

/* pids here are as /proc shows them (procfs.h), not necessarily ours. */
struct sj_landlock_record {
	pid_t pid;	/* thread group that restricted itself */
	uint64_t start; /* its start time: is pid still that process? */
	int ruleset;	/* our duplicate of the ruleset fd it passed */
	uint64_t time;	/* CLOCK_BOOTTIME in clock ticks, as /proc/PID/stat's starttime */
};

struct sj_landlock_track {
	struct sj_landlock_record *v;
	size_t n, cap;
	pid_t edge;    /* the supervisor: nothing above it is the sandbox's */
	pid_t root;    /* the sandbox's first process (init, or COMMAND with --pid host) */
	pid_t command; /* COMMAND's first process (== root with --pid host); 0 until known */
};

/*
 * Where lineages end (pids in sockjail's numbering): edge, the supervisor;
 * root, the sandbox's first process; command, COMMAND's first process
 * (root itself with --pid host; 0 if unknown: then every child of root
 * counts as an orphan, stricter, never looser).
 */
void landlock_track_init(struct sj_landlock_track *t, pid_t edge, pid_t root, pid_t command);

/*
 * Record that thread tid (our pid numbering; it waits for our answer)
 * restricted its thread group with ruleset; takes the fd. 0, or -ENOSPC
 * when the table is full, or another negative errno (fd closed): the
 * caller refuses the restriction, so that no domain exists that binds
 * would not honour.
 */
int landlock_track_add(struct sj_landlock_track *t, pid_t tid, int ruleset);

/*
 * The rulesets that apply to thread tid into out[max] (fds still owned by
 * t). Returns their number, 0 when none, -E2BIG when more than max, or
 * another negative errno when tid's lineage cannot be read (the caller
 * refuses).
 */
int landlock_track_lookup(struct sj_landlock_track *t, pid_t tid, int *out, size_t max);

void landlock_track_free(struct sj_landlock_track *t);
