/* SPDX-License-Identifier: MIT */
/* Socket activation: sockets sockjail binds for COMMAND, and inherited ones. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "sandbox.h"

/*
 * In COMMAND's process, after Landlock and before the ids change: create
 * every --listen socket, place the inherited ones and the new ones at fds
 * 3, 4, ... and set LISTEN_FDS, LISTEN_FDNAMES and LISTEN_PID in *envp.
 * fds above the range are left alone. Returns the number of fds passed, or
 * a negative errno with *step and *what naming the failure.
 */
int listen_fds_setup(const struct sj_sandbox *sb, char ***envp, const char **step, const char **what);

/*
 * In the supervisor, before anything is unshared: if LISTEN_PID names us,
 * check the inherited fds (each a bound socket; an abstract address must be
 * allowed by the policy) and record them in sb. Unsets LISTEN_* in our own
 * environment. Returns 0 or a negative errno with the reason in err.
 */
int listen_fds_inherit(struct sj_sandbox *sb, char *err, size_t errlen);
