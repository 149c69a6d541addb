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
 * The two halves of listen_fds_setup(), for --restart, where the sandbox's
 * init creates the sockets once and every COMMAND gets them in turn:
 * listen_fds_open() makes one socket per --listen, O_CLOEXEC, at fds >=
 * min_fd, into fds[] (s->listen.n entries; on failure none is left open);
 * listen_fds_place() dup2()s them (after the inherited ones) to 3, 4, ...
 * and sets the LISTEN_* variables, leaving fds[] open.
 */
int listen_fds_open(const struct sj_sandbox *sb, int *fds, int min_fd, const char **step, const char **what);
int listen_fds_place(const struct sj_sandbox *sb, const int *fds, char ***envp, const char **step, const char **what);

/*
 * In the supervisor, before anything is unshared: if LISTEN_PID names us,
 * check the inherited fds (each a bound socket; an abstract address must be
 * allowed by the policy) and record them in sb. Unsets LISTEN_* in our own
 * environment. Returns 0 or a negative errno with the reason in err.
 */
int listen_fds_inherit(struct sj_sandbox *sb, char *err, size_t errlen);
