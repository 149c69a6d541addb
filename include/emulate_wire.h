// SPDX-License-Identifier: MIT
/*
 * The messages between the supervisor, the executor zygote and its
 * executors (emulate.c), over the SOCK_SEQPACKET pairs of struct
 * sj_zygote: a request, the target's identity when it follows the
 * request on its own, and an answer. fds travel as SCM_RIGHTS
 * (send_msg_fds(), recv_msg_fds()).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "emulate.h"

/* One request, supervisor → zygote. */
struct zy_request {
	uint64_t id;
	int32_t addrlen;
	uint8_t check_run_dirs;
	uint8_t n_rulesets;
	uint8_t connect;
	/*
	 * The executor opens the target's fds itself (from tid, checked with
	 * the pidfd that comes in place of them) and reads its ids, which
	 * come next, as a struct zy_target.
	 */
	uint8_t target_follows;
	int32_t tid;
	_Alignas(struct sockaddr_storage) unsigned char addr[SJ_EMULATE_ADDR_MAX]; /* read as a struct sockaddr_* */
	struct sj_emulate_target t; /* unless target_follows; its fd fields are not used */
};

/*
 * A request's fds, in this order: the socket, the target's four (with
 * target_follows: the target's pidfd instead), then the rulesets.
 */
enum { ZY_SOCK, ZY_ROOT, ZY_CWD, ZY_USERNS, ZY_MNTNS, ZY_NFDS };
#define ZY_PIDFD ZY_ROOT
#define ZY_MAX_FDS (ZY_NFDS + SJ_EMULATE_MAX_RULESETS)

/* The target's ids, supervisor → executor, after a request with target_follows (no fds). */
struct zy_target {
	uint64_t id;
	uint8_t valid; /* 0: they could not be read (the target is gone): refuse */
	struct sj_emulate_target t; /* its fd fields are not used */
};

/* One answer, executor or zygote → supervisor (no fds). */
struct zy_answer {
	uint64_t id;
	struct sj_emulate_result res;
};
