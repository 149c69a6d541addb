/* SPDX-License-Identifier: MIT */
/*
 * The systemd notification relay. When sockjail runs with NOTIFY_SOCKET
 * set, COMMAND gets a NOTIFY_SOCKET of its own: an abstract datagram
 * socket that the sandbox's first process binds in the sandbox's network
 * namespace and hands to the supervisor. The supervisor passes what
 * arrives there on to the real socket (sdnotify_msg_filter() decides
 * which lines), sent from its own process, which is the unit's main pid.
 */
#pragma once

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#include "settings.h"

struct sj_sdnotify_relay {
	bool on;
	int target;    /* datagram socket in sockjail's network namespace */
	struct sockaddr_un target_addr;
	socklen_t target_len;
	int pair[2];   /* the sandbox hands the bound socket over on [1] */
	int inside;    /* the socket COMMAND's NOTIFY_SOCKET names */
	char name[64]; /* "@sockjail-notify/<pid>/<random>" */
	bool check_sender; /* --net host: the name is reachable from the host */
	uint64_t mnt_ns;   /* the sandbox's mount namespace, for that check */
};

#define SJ_SDNOTIFY_RELAY_INIT { .target = -1, .pair = { -1, -1 }, .inside = -1 }

/*
 * Before anything is unshared: decide, open the target socket, choose the
 * name and give it to COMMAND in *envp. Returns 0 (also when there is
 * nothing to relay) or a negative errno with err set.
 */
int sdnotify_relay_prepare(struct sj_sdnotify_relay *r, const struct sj_settings *s, char ***envp, char *err,
			   size_t errlen);

/* In the sandbox's first process, before COMMAND exists: bind, hand over. */
int sdnotify_relay_child(const struct sj_sdnotify_relay *r);

/* Supervisor, once the sandbox runs: take the socket over. */
int sdnotify_relay_start(struct sj_sdnotify_relay *r, pid_t first_pid);

/* The fd to poll (0 or 1 entries written). */
size_t sdnotify_relay_pollfd(const struct sj_sdnotify_relay *r, struct pollfd *pfd);

/* Pass on every message waiting; the supervisor's loop calls it on POLLIN and once at the end. */
void sdnotify_relay_dispatch(struct sj_sdnotify_relay *r);

void sdnotify_relay_free(struct sj_sdnotify_relay *r);
