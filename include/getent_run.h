/* SPDX-License-Identifier: MIT */
/*
 * getent(1), run for the name lookups of identity_lookup.h: sockjail is
 * static, so the host's NSS is reached through the host's own getent.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

/*
 * getent's absolute path, fixed when sockjail is built (make GETENT=...):
 * never searched for in the caller's $PATH, as sockjail often runs as root.
 */
#ifndef SJ_GETENT
#define SJ_GETENT "/usr/bin/getent"
#endif

/* How long one getent may take (a directory server that does not answer). */
#define SJ_GETENT_TIMEOUT_MS 30000

/* Output kept from one getent; the rest is read and dropped (truncated). */
#define SJ_GETENT_OUTPUT_MAX (4u << 20)

/*
 * One `GETENT DATABASE -- KEY` running: started by identity_getent_start(),
 * ended by identity_getent_finish() (or identity_getent_cancel(), which
 * kills it). Exported for the unit tests, which run a stand-in getent.
 */
struct identity_getent_query {
	pid_t pid;       /* 0: nothing running */
	int pidfd;
	int out;         /* read end of getent's stdout */
	struct timespec deadline; /* CLOCK_MONOTONIC */
};

struct identity_getent_answer {
	char *out;       /* what getent printed (malloc'd, NUL-terminated), at most SJ_GETENT_OUTPUT_MAX bytes */
	size_t len;
	bool truncated;  /* it printed more than that */
	bool timed_out;  /* killed at the deadline; status is then SIGKILL's */
	int status;      /* waitpid(2) status */
};

/*
 * Runs getent with stdin /dev/null, stdout a pipe, stderr /dev/null, no
 * other fd, default signal dispositions and mask, and an environment of
 * its own (nothing of the caller's: no LD_PRELOAD, no locale), with
 * sockjail's own credentials, as getpwnam(3) in sockjail would have
 * looked names up. Returns 0, or a negative errno (-ENOENT: no getent
 * there) with q untouched.
 */
int identity_getent_start(const char *getent, const char *database, const char *key, int timeout_ms,
			  struct identity_getent_query *q);

/*
 * Reads getent's output until it exits (or the deadline passes: then it is
 * killed), and reaps it. Returns 0 with *a filled, or a negative errno.
 * Either way q is done with.
 */
int identity_getent_finish(struct identity_getent_query *q, struct identity_getent_answer *a);

/* Kills and reaps a query that is still running; nothing if there is none. */
void identity_getent_cancel(struct identity_getent_query *q);

void identity_getent_answer_free(struct identity_getent_answer *a);
