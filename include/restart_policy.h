/* SPDX-License-Identifier: MIT */
/*
 * --restart's decisions and records, pure: the words it accepts, whether
 * an exit calls for a restart, and how a restart is reported on stderr
 * and in --audit.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "settings.h"

/* "no", "on-failure", "always" -> enum sj_restart. */
int restart_parse_policy(const char *arg, int *out);

/* "1", "0.25", "30" -> milliseconds; 0 to 3600 s, at most 3 decimals. */
int restart_parse_seconds(const char *arg, unsigned *ms);

/*
 * Whether COMMAND, which ended with wait_status (as waitpid(2) gives it),
 * is started again. Never once sockjail has been asked to stop.
 */
bool restart_wanted(enum sj_restart policy, int wait_status, bool stopping);

struct sj_restart_event {
	struct timespec ts; /* CLOCK_REALTIME */
	unsigned count;     /* 1 for the first restart */
	int wait_status;    /* how the previous COMMAND ended */
	unsigned delay_ms;  /* --restart-sec */
};

/* The stderr line without "sockjail: " and newline:
 * COMMAND exited with status 3; restart 1 in 1 s */
size_t restart_format_line(char *buf, size_t len, const struct sj_restart_event *ev);

/* One JSON object for --audit, no newline:
 * {"ts":"...","event":"restart","restart":1,"exit-status":3,"delay-ms":1000}
 * ("signal":"SIGSEGV" instead of "exit-status" when it was killed). */
size_t restart_format_json(char *buf, size_t len, const struct sj_restart_event *ev);

