// SPDX-License-Identifier: MIT
/*
 * Intake of one bind()/connect() notification (design.md): pidfd of the
 * calling thread (kept per tid, see copy_caller_fd()); ID_VALID;
 * pidfd_getfd() the socket; ask the socket (SO_DOMAIN), not memory, what
 * it is; copy exactly addrlen bytes once; ID_VALID again. Everything after
 * works on these copies.
 */
#include "notify_intake.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "cleanup.h"
#include "fault.h"
#include "notify_perform.h"
#include "util.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif
#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

/*
 * With --net host the sandbox's netns is our own. SIOCGSKNS needs
 * CAP_NET_ADMIN over a socket's netns, which a rootless (or nested)
 * supervisor does not have over the host's, so without this every allowed
 * abstract bind and autobind there would be refused as foreign: take the
 * netns's cookie from a socket of our own instead.
 */
uint64_t notify_own_netns_cookie(void)
{
	uint64_t cookie = 0;
	socklen_t len = sizeof(cookie);
	_cleanup_close_ int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0 || getsockopt(s, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len) < 0)
		return 0;
	return cookie;
}

bool notify_socket_in_sandbox_netns(struct sj_notify *n, int sock)
{
	/*
	 * A netns's cookie is never reused (5.14+), so once one socket was
	 * found in the sandbox's netns, one getsockopt() answers for every
	 * later one, instead of SIOCGSKNS, fstat() and close().
	 */
	uint64_t cookie = 0;
	socklen_t len = sizeof(cookie);
	bool have_cookie = getsockopt(sock, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len) == 0;
	if (have_cookie && n->netns_cookie != 0 && cookie == n->netns_cookie)
		return true;

	_cleanup_close_ int ns = ioctl(sock, SIOCGSKNS);
	struct stat st;
	if (ns < 0 || fstat(ns, &st) < 0)
		return false;
	if (st.st_ino != n->netns.st_ino || st.st_dev != n->netns.st_dev)
		return false;
	if (have_cookie)
		n->netns_cookie = cookie;
	return true;
}

/*
 * Why a pidfd kept from an earlier call may stand for this one: a pidfd
 * names a struct pid, not a number. While a thread lives its tid names it
 * and nothing else; once it is gone its struct pid never gets a task again
 * (a thread that is given the same tid later has a new one, and an exec
 * that hands the leader's tid to another thread hands over the struct pid
 * with it). So pidfd_getfd() through a pidfd kept for tid T reaches the
 * thread that has T now, or fails with ESRCH. The target had T when we
 * received its call, and the ID_VALID after the copy (notify_intake())
 * proves it lived throughout, keeping T: the fd we got is the target's.
 * Any failure through a kept pidfd drops it and tries once more with a
 * new one, as for a tid never seen.
 */
static struct sj_pidfd_slot *pidfd_slot(struct sj_notify *n, pid_t tid)
{
	return &n->pidfds[(unsigned)tid % SJ_PIDFD_SLOTS];
}

static void pidfd_slot_clear(struct sj_pidfd_slot *slot)
{
	if (slot->fd >= 0)
		close(slot->fd);
	slot->fd = -1;
	slot->tid = 0;
}

void notify_intake_forget(struct sj_notify *n)
{
	for (size_t i = 0; i < SJ_PIDFD_SLOTS; i++)
		pidfd_slot_clear(&n->pidfds[i]);
}

int notify_intake_pidfd(struct sj_notify *n, pid_t tid)
{
	const struct sj_pidfd_slot *slot = pidfd_slot(n, tid);
	return slot->fd >= 0 && slot->tid == tid ? slot->fd : -1;
}

/* A new pidfd of the calling thread, checked to be the caller's (ID_VALID after opening it). */
static int open_caller_pidfd(struct sj_notify *n, const struct sj_call *c)
{
	int fd = -1;
	if (n->pidfd_thread) {
		fd = sys_pidfd_open(c->tid, PIDFD_THREAD);
		if (fd == -EINVAL)
			n->pidfd_thread = false;
	}
	if (!n->pidfd_thread)
		fd = sys_pidfd_open(c->tid, 0);
	if (fd < 0)
		return fd;
	if (!id_valid(n, c->id)) {
		close(fd);
		return -ESRCH;
	}
	return fd;
}

/*
 * Our copy of the caller's fd c->fd: through the pidfd kept for its tid,
 * else through a new one, which is kept for its next call. -EBADF: the
 * caller has no such fd; another -errno: we could not reach it.
 */
static int copy_caller_fd(struct sj_notify *n, const struct sj_call *c)
{
	struct sj_pidfd_slot *slot = pidfd_slot(n, c->tid);
	if (slot->fd >= 0 && slot->tid == c->tid) {
		int sock = sys_pidfd_getfd(slot->fd, c->fd);
		if (sock >= 0)
			return sock;
		/* ESRCH: its thread is gone and the tid recycled; or the fd is not there. Ask anew. */
	}
	pidfd_slot_clear(slot);
	int pidfd = open_caller_pidfd(n, c);
	if (pidfd < 0)
		return pidfd == -EBADF ? -EPERM : pidfd;
	int sock = sys_pidfd_getfd(pidfd, c->fd);
	slot->tid = c->tid;
	slot->fd = pidfd;
	return sock;
}

/* Answer err and drop our copy of the socket first: after the answer, the target runs on our CPU. */
static int answer(struct sj_notify *n, struct sj_call *c, int err)
{
	if (c->sock >= 0)
		close(c->sock);
	c->sock = -1;
	respond(n, c->id, err);
	return 1;
}

int notify_intake(struct sj_notify *n, const struct seccomp_notif *req, struct sj_call *c)
{
	socklen_t dlen = sizeof(c->domain);
	c->id = req->id;
	c->tid = (pid_t)req->pid;
	/* The kernel reads fd and addrlen as int: the upper 32 bits are ignored. */
	c->fd = (int)(uint32_t)req->data.args[0];
	c->uaddr = req->data.args[1];
	c->addrlen = (int)(uint32_t)req->data.args[2];
	c->sock = -1;

	int sock = copy_caller_fd(n, c);
	/* The kernel checks the fd before the address. */
	if (sock == -EBADF)
		return answer(n, c, -EBADF);
	/* We could not see what the target asked for: refuse (fail closed). */
	if (sock < 0)
		return answer(n, c, -EPERM);
	c->sock = sock;
	if (getsockopt(c->sock, SOL_SOCKET, SO_DOMAIN, &c->domain, &dlen) < 0) {
		/*
		 * ENOTSOCK: not a socket. EBADF: an O_PATH fd, which
		 * pidfd_getfd() copies but bind()'s own fd lookup never sees.
		 */
		return answer(n, c, errno == ENOTSOCK || errno == EBADF ? -errno : -EPERM);
	}

	/* move_addr_to_kernel(): length first, then one copy. */
	if (c->addrlen < 0 || c->addrlen > SJ_SOCKADDR_MAX)
		return answer(n, c, -EINVAL);
	if (c->addrlen > 0) {
		struct iovec local = { c->buf, (size_t)c->addrlen };
		struct iovec remote = { (void *)(uintptr_t)c->uaddr, (size_t)c->addrlen };
		ssize_t got = process_vm_readv(c->tid, &local, 1, &remote, 1, 0);
		if (got != c->addrlen) {
			/* Unreadable (EFAULT), or we may not read it: fail closed either way. */
			int err = got >= 0 || errno == EFAULT ? -EFAULT : -EPERM;
			close(TAKE_FD(c->sock));
			if (id_valid(n, c->id))
				respond(n, c->id, err);
			return 1;
		}
	}
	fault_point("after-copy");
	/* The memory we read, and the fd, belonged to the target, not to a recycled tid. */
	if (!id_valid(n, c->id)) {
		close(TAKE_FD(c->sock));
		return 1;
	}
	return 0;
}
