/* SPDX-License-Identifier: MIT */
/* Socket activation: sockets sockjail binds for COMMAND, and inherited ones. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "sandbox.h"

/*
 * The host side of a --listen unix: socket file, walked by the supervisor
 * before the sandbox exists: cleanup unlinks name in parent_fd (never a
 * path, which the sandbox could redirect by replacing a directory of its
 * run-dir with a symlink), and only the inode recorded in bound.
 */
struct sj_listen_host {
	int parent_fd; /* O_PATH; -1 for sockets that are not unix: */
	char *name;
};

/* Written by COMMAND's process right after bind(), read by the supervisor at the end. */
struct sj_listen_bound {
	dev_t dev;
	ino_t ino;
	int set;
};

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

/*
 * In the supervisor, once the --run-dirs exist: walk the directory of
 * every --listen unix: socket on the host (hostpath.h), check the name is
 * free, and keep the directory's fd in sb->listen_host; map
 * sb->listen_bound shared, for COMMAND's process to record what it binds.
 * Returns 0 or a negative errno with the reason in err.
 */
int listen_fds_host_prepare(struct sj_sandbox *sb, int root_fd, char *err, size_t errlen);

/* In the supervisor, at the end: unlink the socket files recorded, free all. */
void listen_fds_host_cleanup(struct sj_sandbox *sb);
