/* SPDX-License-Identifier: MIT */
/* The supervisor's intake of one bind()/connect() notification. */
#pragma once

#include <stdbool.h>

#include "notify_state.h"

/*
 * Intake: pidfd of the calling thread, ID_VALID, pidfd_getfd() the socket,
 * ask the socket (SO_DOMAIN), copy exactly addrlen bytes once, ID_VALID
 * again. Returns 0 with c filled (the caller closes c->sock, which is
 * ours), or 1 when the call was answered here.
 */
int notify_intake(struct sj_notify *n, const struct seccomp_notif *req, struct sj_call *c);

/* The pidfd kept for thread tid (ours: not to be closed), or -1. */
int notify_intake_pidfd(struct sj_notify *n, pid_t tid);

/* Close the pidfds kept for the threads that called (notify_free()). */
void notify_intake_forget(struct sj_notify *n);

/* Is the socket in the sandbox's network namespace (not one passed in from the host)? */
bool notify_socket_in_sandbox_netns(struct sj_notify *n, int sock);

/* The cookie of our own netns, which is the sandbox's under --net host (0 if unknown). */
uint64_t notify_own_netns_cookie(void);
