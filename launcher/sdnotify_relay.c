// SPDX-License-Identifier: MIT
/* The systemd notification relay (see sdnotify_relay.h). */
#include "sdnotify_relay.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "env.h"
#include "procfs.h"
#include "sdnotify_msg.h"
#include "util.h"

/* What systemd itself reads at most per message, and SCM_MAX_FD. */
#define MSG_MAX 4096
#define FDS_MAX 253

int sdnotify_relay_prepare(struct sj_sdnotify_relay *r, const struct sj_settings *s, char ***envp, char *err,
			   size_t errlen)
{
	const char *value = getenv("NOTIFY_SOCKET");
	uint64_t rnd;
	int e;

	if (s->notify != SJ_NOTIFY_RELAY || !value || !*value)
		return 0;
	if (sdnotify_msg_address(value, &r->target_addr, &r->target_len) < 0) {
		snprintf(err, errlen, "NOTIFY_SOCKET=%.200s: not an absolute path or @name (--notify none ignores it)",
			 value);
		return -EINVAL;
	}
	r->target = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (r->target < 0 || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, r->pair) < 0) {
		e = errno;
		snprintf(err, errlen, "NOTIFY_SOCKET: creating the relay's sockets: %s", strerror(e));
		return -e;
	}
	/* Unguessable, so nothing else in a shared namespace (--net host) takes it first. */
	if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd)) {
		e = errno;
		snprintf(err, errlen, "NOTIFY_SOCKET: getrandom: %s", strerror(e));
		return -e;
	}
	snprintf(r->name, sizeof(r->name), "@sockjail-notify/%d/%016llx", (int)getpid(), (unsigned long long)rnd);
	if ((e = env_set(envp, "NOTIFY_SOCKET", r->name)) < 0) {
		snprintf(err, errlen, "NOTIFY_SOCKET: %s", strerror(-e));
		return e;
	}
	r->check_sender = s->net == SJ_NET_HOST;
	r->on = true;
	return 0;
}

int sdnotify_relay_child(const struct sj_sdnotify_relay *r)
{
	struct sockaddr_un addr;
	socklen_t len;
	int one = 1, rr;

	if (!r->on)
		return 0;
	/* The supervisor's ends; this process never execs, so CLOEXEC does not close them. */
	close(r->pair[0]);
	close(r->target);
	if (sdnotify_msg_address(r->name, &addr, &len) < 0)
		return -EINVAL;
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	/* The senders' pids, for the --net host check and for nothing else. */
	if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0)
		return -errno;
	/* Before the seccomp filter exists: the gate does not see this bind. */
	if (bind(fd, (struct sockaddr *)&addr, len) < 0)
		return -errno;
	rr = send_fd(r->pair[1], fd);
	close(r->pair[1]);
	return rr;
}

static int ns_inode(pid_t pid, const char *ns, uint64_t *ino)
{
	char path[64];
	struct stat st;
	snprintf(path, sizeof(path), "/proc/%d/ns/%s", procfs_pid(pid), ns);
	if (stat(path, &st) < 0)
		return -errno;
	*ino = (uint64_t)st.st_ino;
	return 0;
}

int sdnotify_relay_start(struct sj_sdnotify_relay *r, pid_t first_pid)
{
	int rr = 0;
	if (!r->on)
		return 0;
	close(r->pair[1]);
	r->pair[1] = -1;
	if (r->check_sender && (rr = ns_inode(first_pid, "mnt", &r->mnt_ns)) < 0)
		return rr;
	/* EOF: the sandbox failed before binding it and says why itself. */
	r->inside = recv_fd(r->pair[0]);
	close(r->pair[0]);
	r->pair[0] = -1;
	if (r->inside < 0) {
		rr = r->inside;
		r->on = false;
		return rr == -EPIPE ? 0 : rr;
	}
	return 0;
}

size_t sdnotify_relay_pollfd(const struct sj_sdnotify_relay *r, struct pollfd *pfd)
{
	if (!r->on || r->inside < 0)
		return 0;
	*pfd = (struct pollfd){ .fd = r->inside, .events = POLLIN };
	return 1;
}

/* --net host: anyone on the host could send to the name; only the sandbox may. */
static bool sender_allowed(const struct sj_sdnotify_relay *r, pid_t pid)
{
	uint64_t ino;
	if (!r->check_sender)
		return true; /* a private network namespace: only the sandbox reaches it */
	return pid > 0 && ns_inode(pid, "mnt", &ino) == 0 && ino == r->mnt_ns;
}

static void relay_one(struct sj_sdnotify_relay *r, const char *msg, size_t len, const int *fds, size_t n_fds,
		      pid_t sender)
{
	char out[MSG_MAX + 1];
	bool fdstore = false;
	int n = sdnotify_msg_filter(msg, len, out, sizeof(out), &fdstore);
	if (n <= 0 || !sender_allowed(r, sender))
		return;
	struct iovec iov = { .iov_base = out, .iov_len = (size_t)n };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int) * FDS_MAX)];
	} u;
	struct msghdr mh = {
		.msg_name = &r->target_addr,
		.msg_namelen = r->target_len,
		.msg_iov = &iov,
		.msg_iovlen = 1,
	};
	/* The descriptors go along only with FDSTORE=1, as sd_pid_notify_with_fds(3) sends them. */
	if (fdstore && n_fds > 0) {
		memset(&u, 0, sizeof(u));
		mh.msg_control = u.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * n_fds);
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * n_fds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * n_fds);
	}
	/* Our own credentials go with it (systemd asks with SO_PASSCRED): we are MAINPID. */
	while (sendmsg(r->target, &mh, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 && errno == EINTR)
		;
}

void sdnotify_relay_dispatch(struct sj_sdnotify_relay *r)
{
	if (!r->on || r->inside < 0)
		return;
	for (;;) {
		char msg[MSG_MAX];
		union {
			struct cmsghdr h;
			char buf[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(int) * FDS_MAX)];
		} u;
		struct iovec iov = { .iov_base = msg, .iov_len = sizeof(msg) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
				     .msg_controllen = sizeof(u.buf) };
		ssize_t n = recvmsg(r->inside, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return; /* EAGAIN: all read */
		int fds[FDS_MAX];
		size_t n_fds = 0;
		pid_t sender = 0;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			if (c->cmsg_level != SOL_SOCKET)
				continue;
			if (c->cmsg_type == SCM_RIGHTS) {
				size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
				for (size_t i = 0; i < k && n_fds < FDS_MAX; i++)
					memcpy(&fds[n_fds++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			} else if (c->cmsg_type == SCM_CREDENTIALS && c->cmsg_len == CMSG_LEN(sizeof(struct ucred))) {
				struct ucred cred;
				memcpy(&cred, CMSG_DATA(c), sizeof(cred));
				sender = cred.pid;
			}
		}
		/* A truncated message or descriptor list is dropped whole, as systemd does. */
		if (!(mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)))
			relay_one(r, msg, (size_t)n, fds, n_fds, sender);
		for (size_t i = 0; i < n_fds; i++)
			close(fds[i]);
	}
}

void sdnotify_relay_free(struct sj_sdnotify_relay *r)
{
	int *fds[] = { &r->target, &r->pair[0], &r->pair[1], &r->inside };
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
	r->on = false;
}
