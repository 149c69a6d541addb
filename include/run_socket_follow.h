/* SPDX-License-Identifier: MIT */
/*
 * --run-socket follows its service. A bind mount pins an inode; a
 * restarted service makes a new one. The supervisor watches each
 * socket's parent directory on the host (inotify) and, when the socket
 * (or directory) is made again and passes the identity checks, mounts the
 * new one over the old inside the sandbox's mount namespace, from a
 * helper process that has entered it.
 *
 * The helper clones the new socket from an O_PATH fd of its directory
 * that the sandbox's first process opened before /run was covered and
 * sent over the sync socket: a mount of the sandbox's own namespace, so
 * open_tree(OPEN_TREE_CLONE) works rootless too, where cloning a mount of
 * the host's namespace would be refused.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "sandbox.h"
#include "settings.h"

struct sj_follow;

/*
 * In the supervisor, before anything is unshared: note what each
 * --run-socket is now (the owner a new one must have), open its host
 * directory and watch it. canon[i]: the symlink-free host path of the
 * i-th --run-socket (hostpath.h), walked from root_fd. *out is NULL when
 * there is nothing to follow. Returns 0 or a negative errno, with the
 * reason in err.
 */
int run_socket_follow_new(const struct sj_settings *s, const char *const *canon, int root_fd, struct sj_follow **out,
			  char *err, size_t errlen);

/* The directories the sandbox must open for it (owned by f; NULL if none). */
const char *const *run_socket_follow_dirs(const struct sj_follow *f, size_t *n);

/* Once the sandbox exists: its init's pidfd, whose namespaces the helper enters. */
void run_socket_follow_attach(struct sj_follow *f, int pidfd, bool userns);

/* A directory fd the sandbox sent (index: as run_socket_follow_send_dirs() numbered it). Takes fd. */
void run_socket_follow_take_dir(struct sj_follow *f, unsigned index, int fd);

/*
 * The sandbox's own mounts are done (its init said so, and waits for
 * sync_fd's answer before COMMAND starts): from now on the follower mounts
 * on top of them, and what is there already (an optional socket whose
 * service is up, a --run-socket replaced during setup) is mounted now, so
 * that COMMAND never sees the placeholder of a socket that exists. Answers
 * on sync_fd once that is done. Returns 0 or a negative errno (the answer
 * could not be sent).
 */
int run_socket_follow_ready(struct sj_follow *f, int sync_fd);

/* The inotify fd to poll (POLLIN), or -1. */
int run_socket_follow_fd(const struct sj_follow *f);

/*
 * The entry point from the supervisor's poll loop: read the inotify
 * events and mount what was re-created and passes the checks; log one
 * line for what does not.
 */
void run_socket_follow_dispatch(struct sj_follow *f);

void run_socket_follow_free(struct sj_follow *f);

/*
 * In the sandbox's first process, before the mount plan covers /run:
 * send the supervisor an O_PATH fd of each --run-socket's (and
 * --run-socket-optional's) directory. This and the next are called only
 * when there is one (sb->n_follow_dirs): the caller checks, so that a
 * start without them does not fault in this file's code.
 */
int run_socket_follow_send_dirs(const struct sj_sandbox *sb);

/*
 * In the sandbox's first process, once the mount plan is applied and
 * before COMMAND starts: tell the supervisor, and wait until it has
 * mounted what already exists. Without the wait COMMAND raced the
 * supervisor's mount, and a connect() to a socket that was there all
 * along could reach the placeholder (ECONNREFUSED).
 */
int run_socket_follow_mounts_done(const struct sj_sandbox *sb);

/* Message on the sync socket that carries one such fd. */
#define SJ_FOLLOW_DIR_MAGIC 0x736a6664u /* "sjfd" */
/* The same struct, without an fd: the sandbox's mounts are done (index 0). */
#define SJ_FOLLOW_READY_MAGIC 0x736a6672u /* "sjfr" */
struct sj_follow_dir_msg {
	unsigned magic;
	unsigned index;
};
