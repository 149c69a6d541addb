// SPDX-License-Identifier: MIT
/*
 * The messages of the bind executor (emulate_wire.h): how they are put on
 * and taken off the zygote's sockets, for the supervisor's side and the
 * zygote's and executor's.
 */
#include "emulate_wire.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* Room for the most fds any message carries. */
union zy_control {
	struct cmsghdr h;
	char buf[CMSG_SPACE(ZY_MAX_FDS * sizeof(int))];
};

int zy_send(int sock, const void *buf, size_t len, const int *fds, size_t nfds)
{
	union zy_control c;
	if (nfds > ZY_MAX_FDS)
		return -EINVAL;
	memset(&c, 0, sizeof(c));
	struct iovec iov = { (void *)buf, len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (nfds > 0) {
		m.msg_control = c.buf;
		m.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		struct cmsghdr *h = CMSG_FIRSTHDR(&m);
		h->cmsg_level = SOL_SOCKET;
		h->cmsg_type = SCM_RIGHTS;
		h->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(h), fds, nfds * sizeof(int));
	}
	/* Never wait: a full queue (a stuck zygote) is the caller's to keep. */
	ssize_t n = sendmsg(sock, &m, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n < 0)
		return -errno;
	return n == (ssize_t)len ? 0 : -EIO;
}

ssize_t zy_recv(int sock, void *buf, size_t len, int *fds, size_t max, size_t *nfds, bool *cut)
{
	union zy_control c;
	struct iovec iov = { buf, len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.buf, .msg_controllen = sizeof(c.buf) };
	ssize_t n;
	while ((n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	*nfds = 0;
	*cut = false;
	if (n < 0)
		return -errno;
	for (struct cmsghdr *h = CMSG_FIRSTHDR(&m); h; h = CMSG_NXTHDR(&m, h)) {
		if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS)
			continue;
		size_t k = (h->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int f;
			memcpy(&f, CMSG_DATA(h) + i * sizeof(int), sizeof(int));
			if (*nfds < max) {
				fds[(*nfds)++] = f;
			} else {
				close(f);
				*cut = true;
			}
		}
	}
	if (m.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
		*cut = true;
	return n;
}

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
	return zy_send(fd, &rq, sizeof(rq), fds, nfds);
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
	return zy_send(fd, &m, sizeof(m), NULL, 0);
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
