// SPDX-License-Identifier: MIT
/*
 * Intake of one bind()/connect() notification (design.md): pidfd of the
 * calling thread; ID_VALID; pidfd_getfd() the socket; ask the socket
 * (SO_DOMAIN), not memory, what it is; copy exactly addrlen bytes once;
 * ID_VALID again. Everything after works on these copies.
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
uint64_t notify_own_netns_cookie(const struct stat *sandbox_netns)
{
	struct stat own;
	uint64_t cookie = 0;
	socklen_t len = sizeof(cookie);
	if (stat("/proc/self/ns/net", &own) < 0 || own.st_ino != sandbox_netns->st_ino ||
	    own.st_dev != sandbox_netns->st_dev)
		return 0;
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

int notify_intake(struct sj_notify *n, const struct seccomp_notif *req, struct sj_call *c)
{
	socklen_t dlen = sizeof(c->domain);
	c->id = req->id;
	c->tid = (pid_t)req->pid;
	/* The kernel reads fd and addrlen as int: the upper 32 bits are ignored. */
	c->fd = (int)(uint32_t)req->data.args[0];
	c->uaddr = req->data.args[1];
	c->addrlen = (int)(uint32_t)req->data.args[2];

	if (n->pidfd_thread) {
		c->pidfd = sys_pidfd_open(c->tid, PIDFD_THREAD);
		if (c->pidfd == -EINVAL)
			n->pidfd_thread = false;
	}
	if (!n->pidfd_thread)
		c->pidfd = sys_pidfd_open(c->tid, 0);
	if (c->pidfd < 0 || !id_valid(n, c->id))
		goto deny_silently;
	c->sock = sys_pidfd_getfd(c->pidfd, c->fd);
	if (c->sock == -EBADF) {
		/* The kernel checks the fd before the address. */
		respond(n, c->id, -EBADF);
		return 1;
	}
	if (c->sock < 0)
		goto deny_silently;
	if (getsockopt(c->sock, SOL_SOCKET, SO_DOMAIN, &c->domain, &dlen) < 0) {
		/*
		 * ENOTSOCK: not a socket. EBADF: an O_PATH fd, which
		 * pidfd_getfd() copies but bind()'s own fd lookup never sees.
		 */
		respond(n, c->id, errno == ENOTSOCK || errno == EBADF ? -errno : -EPERM);
		return 1;
	}

	/* move_addr_to_kernel(): length first, then one copy. */
	if (c->addrlen < 0 || c->addrlen > SJ_SOCKADDR_MAX) {
		respond(n, c->id, -EINVAL);
		return 1;
	}
	if (c->addrlen > 0) {
		struct iovec local = { c->buf, (size_t)c->addrlen };
		struct iovec remote = { (void *)(uintptr_t)c->uaddr, (size_t)c->addrlen };
		ssize_t got = process_vm_readv(c->tid, &local, 1, &remote, 1, 0);
		if (got != c->addrlen) {
			/* Unreadable (EFAULT), or we may not read it: fail closed either way. */
			bool fault = got >= 0 || errno == EFAULT;
			if (id_valid(n, c->id))
				respond(n, c->id, fault ? -EFAULT : -EPERM);
			return 1;
		}
	}
	fault_point("after-copy");
	/* The memory we read belonged to the target, not to a recycled tid. */
	if (!id_valid(n, c->id))
		return 1;
	return 0;

deny_silently:
	/* We could not see what the target asked for: refuse (fail closed). */
	respond(n, c->id, -EPERM);
	return 1;
}
