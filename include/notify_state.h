/* SPDX-License-Identifier: MIT */
/*
 * The supervisor's notification state, shared by its three steps: intake
 * (notify_intake.c), decision (policy.c, pure) and performing
 * (notify_perform.c); notify.c holds the loop and the dispatch.
 */
#pragma once

#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "audit.h"
#include "emulate.h"
#include "landlock_track.h"
#include "notify.h"
#include "sockaddr.h"
#include "wake_hint.h"

/*
 * Executor requests handed to the zygote at once (its socket's queue);
 * more wait in ours, up to SJ_MAX_QUEUED in all, each holding one fd
 * (the socket) and the dups of its rulesets. The listener is always
 * polled, so denials and direct binds never wait for the executor.
 */
#define SJ_MAX_IN_FLIGHT 64
#define SJ_MAX_QUEUED 256

/* pidfds kept for the threads that called lately (notify_intake.c), by tid modulo this. */
#define SJ_PIDFD_SLOTS 32

struct sj_pidfd_slot {
	pid_t tid;
	int fd; /* -1: empty */
};

/* A request for the executor: waiting in our queue, or sent to the zygote. */
struct pending {
	uint64_t id; /* the seccomp notification's */
	struct sj_audit_event ev;
	char address[SJ_ESCAPED_MAX + 16];
	char rule[SJ_ESCAPED_MAX + 32];
	bool sent;
	/* Sent, but its target could not be read (ESRCH: it is gone): refused when answered. */
	int target_err;
	/* Until sent: what the request needs (sock and rulesets are ours to close). */
	pid_t tid;
	int sock;
	bool check_run_dirs;
	int addrlen;
	unsigned char addr[SJ_SOCKADDR_MAX];
	int rulesets[SJ_EMULATE_MAX_RULESETS];
	size_t n_rulesets;
	/*
	 * A bridged connect (--abstract-bridge): sock is our new socket (in
	 * our netns), kept until the answer; target_fd the target's fd number
	 * it replaces, with target_cloexec its close-on-exec flag.
	 */
	bool bridge;
	int bridged; /* our own copy of sock, kept for ADDFD after the executor connected it */
	int target_fd;
	bool target_cloexec;
};

struct sj_notify {
	struct sj_notify_config cfg;
	int listener;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	size_t req_size, resp_size;
	struct stat netns;
	uint64_t netns_cookie; /* SO_NETNS_COOKIE of the sandbox's netns, 0 until seen */
	bool pidfd_thread; /* the kernel has PIDFD_THREAD (6.9+) */
	/* SYNC_WAKE_UP as wake_hint.h decides, where the kernel has the flag (6.6+). */
	bool wake_flag;
	struct sj_wake_hint wake;
	struct sj_pidfd_slot pidfds[SJ_PIDFD_SLOTS];
	/* In arrival order: the sent ones, then those still in our queue. */
	struct pending *pending; /* pending_cap entries, grown on demand up to SJ_MAX_QUEUED */
	size_t n_pending, n_sent, pending_cap;
	/* landlock_restrict_self() calls seen, for the executor to replay. */
	struct sj_landlock_track landlock;
	/*
	 * The executor zygote, started on the first executor request (not
	 * before: start-up time matters) and again after it died. Its
	 * requests are served in order, one executor at a time, so a bind
	 * stuck in a lookup holds up the later executor binds (only those):
	 * the supervisor never waits for it.
	 */
	struct sj_zygote zygote;
	/* --net host: the abstract names the gate let the sandbox bind (escaped), its "own". */
	struct sj_strv own_names;
};

/* One bind() or connect() call as received: the decision works on these copies only. */
struct sj_call {
	uint64_t id;
	pid_t tid;
	int fd;		 /* the target's fd number */
	int sock;	 /* our copy of its socket */
	int domain;	 /* SO_DOMAIN of sock */
	uint64_t uaddr;	 /* where the address was (never read again) */
	int addrlen;
	unsigned char buf[SJ_SOCKADDR_MAX];
};

static inline bool id_valid(struct sj_notify *n, uint64_t id)
{
	return ioctl(n->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}
