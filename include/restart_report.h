/* SPDX-License-Identifier: MIT */
/* The supervisor's end of the sync socket: seccomp listeners and restart records. */
#pragma once

#include <stdio.h>
#include <sys/types.h>

#include "settings.h"

struct sj_follow;

/*
 * Read one message from the sandbox's sync socket. A passed fd (a new
 * COMMAND's seccomp listener) is returned; a restart record from init is
 * written to stderr (unless --quiet) and to audit (if not NULL), a
 * --run-socket directory fd goes to follow, and init's "mounts done" has
 * follow mount what exists and answer on sync_fd; for those three, -EAGAIN
 * is returned. *pid: the sender's pid, if the kernel attached it
 * (SO_PASSCRED, for --info-fd). -EPIPE at EOF, another negative errno on error.
 */
int restart_report_receive(int sync_fd, const struct sj_settings *s, FILE *audit, struct sj_follow *follow,
			   pid_t *pid);
