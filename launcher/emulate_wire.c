// SPDX-License-Identifier: MIT
/*
 * The supervisor's side of the bind executor's messages (emulate_wire.h):
 * a request, its target and the answers, on the zygote's sockets.
 */
#include "emulate_wire.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

int emulate_send(int fd, const struct sj_emulate_request *q)
{
	struct zy_request rq;
	int fds[ZY_MAX_FDS];
	size_t nfds = 0;
	if (q->addrlen < 0 || q->addrlen > SJ_EMULATE_ADDR_MAX || q->n_rulesets > SJ_EMULATE_MAX_RULESETS)
		return -EINVAL;
	memset(&rq, 0, sizeof(rq));
	rq.id = q->id;
	rq.addrlen = q->addrlen;
	rq.check_run_dirs = q->check_run_dirs;
	rq.n_rulesets = (uint8_t)q->n_rulesets;
	rq.connect = q->connect;
	rq.target_follows = !q->t;
	rq.tid = (int32_t)q->tid;
	if (q->addrlen > 0)
		memcpy(rq.addr, q->addr, (size_t)q->addrlen);
	fds[nfds++] = q->sock;
	if (!q->t) {
		fds[nfds++] = q->pidfd;
	} else {
		rq.t = *q->t;
		fds[nfds++] = q->t->root_fd;
		fds[nfds++] = q->t->cwd_fd;
		fds[nfds++] = q->t->userns_fd;
		fds[nfds++] = q->t->mntns_fd;
	}
	for (size_t i = 0; i < q->n_rulesets; i++)
		fds[nfds++] = q->rulesets[i];
	/* Never wait: a full queue (a stuck zygote) is the caller's to keep. */
	return send_msg_fds(fd, &rq, sizeof(rq), fds, nfds, MSG_DONTWAIT);
}

int emulate_send_target(int fd, uint64_t id, const struct sj_emulate_target *t)
{
	struct zy_target m;
	memset(&m, 0, sizeof(m));
	m.id = id;
	if (t) {
		m.valid = 1;
		m.t = *t;
	}
	ssize_t n = send(fd, &m, sizeof(m), MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n < 0)
		return -errno;
	return n == (ssize_t)sizeof(m) ? 0 : -EIO;
}

int emulate_recv(int fd, uint64_t *id, struct sj_emulate_result *res)
{
	struct zy_answer a;
	ssize_t n = recv(fd, &a, sizeof(a), MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -errno;
	if (n != (ssize_t)sizeof(a))
		return -EPIPE; /* EOF: the zygote is gone (or talks nonsense) */
	*id = a.id;
	*res = a.res;
	return 1;
}
