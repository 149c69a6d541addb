// SPDX-License-Identifier: MIT
/* The start-up handshake's last messages, and the CPU hint around them (handshake.h). */
#include "handshake.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "cleanup.h"

/* One "H" record: the inode, the path's length, the path (no NUL). */
#define HIDE_RECORD_HEAD (sizeof(uint64_t) + sizeof(uint16_t))
/*
 * The most one "H" message carries: well under the smallest default socket
 * buffer a host is likely to have (one message must fit).
 */
#define HIDE_MESSAGE_MAX 16384

static int send_message(int sock, char tag, const void *payload, size_t len)
{
	struct iovec iov[] = {
		{ .iov_base = &tag, .iov_len = 1 },
		{ .iov_base = (void *)payload, .iov_len = len },
	};
	struct msghdr m = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };
	ssize_t n;

	while ((n = sendmsg(sock, &m, MSG_NOSIGNAL)) < 0 && errno == EINTR)
		;
	if (n < 0)
		return -errno;
	return (size_t)n == 1 + len ? 0 : -EMSGSIZE;
}

static int send_hide(int sock, const struct sj_hide_list *l)
{
	_cleanup_free_ char *buf = l->n ? malloc(HIDE_MESSAGE_MAX) : NULL;
	size_t used = 0;
	int r;

	if (l->n && !buf)
		return -ENOMEM;
	for (size_t i = 0; i < l->n; i++) {
		size_t len = strlen(l->v[i].path);
		uint16_t len16 = (uint16_t)len;
		if (len == 0 || len > PATH_MAX)
			return -ENAMETOOLONG;
		if (used + HIDE_RECORD_HEAD + len > HIDE_MESSAGE_MAX) {
			if ((r = send_message(sock, 'H', buf, used)) < 0)
				return r;
			used = 0;
		}
		memcpy(buf + used, &l->v[i].ino, sizeof(uint64_t));
		memcpy(buf + used + sizeof(uint64_t), &len16, sizeof(len16));
		memcpy(buf + used + HIDE_RECORD_HEAD, l->v[i].path, len);
		used += HIDE_RECORD_HEAD + len;
	}
	return used ? send_message(sock, 'H', buf, used) : 0;
}

int handshake_send_start(int sock, const struct sj_hide_list *hide)
{
	int r = send_hide(sock, hide);
	if (r < 0)
		return r;
	return send_message(sock, 'S', NULL, 0);
}

static int parse_hide(const char *p, size_t size, struct sj_hide_list *hide)
{
	char path[PATH_MAX + 1];
	size_t at = 0;
	int r;

	while (at < size) {
		uint64_t ino;
		uint16_t len;
		if (size - at < HIDE_RECORD_HEAD)
			return -EBADMSG;
		memcpy(&ino, p + at, sizeof(ino));
		memcpy(&len, p + at + sizeof(ino), sizeof(len));
		at += HIDE_RECORD_HEAD;
		if (len == 0 || len > PATH_MAX || size - at < len || memchr(p + at, '\0', len))
			return -EBADMSG;
		memcpy(path, p + at, len);
		path[len] = '\0';
		at += len;
		if ((r = hide_list_add(hide, path, ino)) < 0)
			return r;
	}
	return 0;
}

int handshake_recv_start(int sock, struct sj_hide_list *hide)
{
	/* Static, zero-filled and untouched until now: only the pages a message fills are faulted in. */
	static char buf[HIDE_MESSAGE_MAX];
	int r;

	for (;;) {
		char tag = 0;
		struct iovec iov[] = {
			{ .iov_base = &tag, .iov_len = 1 },
			{ .iov_base = buf, .iov_len = sizeof(buf) },
		};
		struct msghdr m = { .msg_iov = iov, .msg_iovlen = 2 };
		ssize_t n;

		while ((n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
			;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EPIPE;
		size_t size = (size_t)n - 1;
		if (m.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
			return -EBADMSG;
		if (tag == 'H') {
			if ((r = parse_hide(buf, size, hide)) < 0)
				return r;
			continue;
		}
		return tag == 'S' && size == 0 ? 0 : -EBADMSG;
	}
}

void handshake_cpus_spread(pid_t pid, struct sj_cpu_hint *h)
{
	cpu_set_t others;
	unsigned cpu_u;
	/*
	 * The system call, not sched_getcpu(), whose vDSO reads a page this
	 * process has not touched yet: a page fault, ~10x the call here.
	 */
	int cpu = syscall(SYS_getcpu, &cpu_u, NULL, NULL) == 0 ? (int)cpu_u : -1;

	h->spread = false;
	if (cpu < 0 || cpu >= CPU_SETSIZE || sched_getaffinity(0, sizeof(h->cpus), &h->cpus) < 0)
		return;
	others = h->cpus;
	CPU_CLR(cpu, &others);
	if (CPU_COUNT(&others) == 0)
		return;
	h->spread = sched_setaffinity(pid, sizeof(others), &others) == 0;
}

int handshake_cpus_restore(pid_t pid, struct sj_cpu_hint *h)
{
	if (!h->spread)
		return 0;
	h->spread = false;
	return sched_setaffinity(pid, sizeof(h->cpus), &h->cpus) < 0 ? -errno : 0;
}
