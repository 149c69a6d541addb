// SPDX-License-Identifier: MIT
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

ssize_t read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;
	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

int write_file(const char *path, const char *text)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	return write_all(fd, text, strlen(text));
}

int parse_uint32(const char *s, unsigned *out)
{
	char *end;
	if (!s || s[0] < '0' || s[0] > '9')
		return -EINVAL;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || v > UINT_MAX)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

int send_msg_fds(int sock, const void *payload, size_t len, const int *fds, size_t n, int flags)
{
	struct iovec iov = { .iov_base = (void *)payload, .iov_len = len };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(SJ_FDS_PER_MESSAGE * sizeof(int))];
	} u;
	if (n == 0 || n > SJ_FDS_PER_MESSAGE)
		return -EINVAL;
	memset(&u, 0, sizeof(u));
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = CMSG_SPACE(n * sizeof(int)),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	ssize_t sent;
	while ((sent = sendmsg(sock, &msg, MSG_NOSIGNAL | flags)) < 0)
		if (errno != EINTR)
			return -errno;
	return (size_t)sent == len ? 0 : -EIO;
}

int send_fds(int sock, char tag, const int *fds, size_t n)
{
	return send_msg_fds(sock, &tag, 1, fds, n, 0);
}

static void close_fds(const int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		close(fds[i]);
}

ssize_t recv_msg_fds(int sock, void *buf, size_t len, int *fds, size_t max, size_t *nfds, pid_t *pid)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(SJ_FDS_PER_MESSAGE * sizeof(int))];
	} u = { 0 };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = sizeof(u.buf),
	};
	int got[SJ_FDS_PER_MESSAGE];
	size_t k = 0;
	bool too_many = false, have_cred = false;
	struct ucred cred = { 0 };
	ssize_t n;

	if (max > SJ_FDS_PER_MESSAGE)
		return -EINVAL;
	while ((n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) < 0)
		if (errno != EINTR)
			return -errno;
	/* Every fd the kernel installed is either handed out or closed: none leaks. */
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET)
			continue;
		if (c->cmsg_type == SCM_RIGHTS) {
			size_t m = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			for (size_t i = 0; i < m; i++) {
				int fd;
				memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
				if (k < max)
					got[k++] = fd;
				else {
					close(fd);
					too_many = true;
				}
			}
		} else if (c->cmsg_type == SCM_CREDENTIALS && c->cmsg_len == CMSG_LEN(sizeof(struct ucred))) {
			memcpy(&cred, CMSG_DATA(c), sizeof(cred));
			have_cred = true;
		}
	}
	/* Some fds were dropped (MSG_CTRUNC) or did not fit: the message is not what was sent. */
	if (too_many || (msg.msg_flags & MSG_CTRUNC)) {
		close_fds(got, k);
		return -EBADMSG;
	}
	if (n == 0 && k == 0)
		return -EPIPE;
	if (fds)
		memcpy(fds, got, k * sizeof(int));
	*nfds = k;
	if (pid)
		*pid = have_cred ? cred.pid : 0;
	return n;
}

int recv_fds(int sock, char *tag, int *fds, size_t max, pid_t *pid)
{
	size_t k = 0;
	ssize_t n = recv_msg_fds(sock, tag, 1, fds, max, &k, pid);
	if (n < 0)
		return (int)n;
	if (k == 0)
		return -EBADMSG;
	return (int)k;
}

int send_fd(int sock, int fd)
{
	char dummy = 'F';
	return send_fd_with(sock, fd, &dummy, 1);
}

int send_fd_with(int sock, int fd, const void *payload, size_t len)
{
	return send_msg_fds(sock, payload, len, &fd, 1, 0);
}

int recv_fd(int sock)
{
	char dummy;
	int fd;
	size_t k = 0;
	ssize_t n = recv_msg_fds(sock, &dummy, 1, &fd, 1, &k, NULL);
	if (n < 0)
		return (int)n;
	return k == 1 ? fd : -EBADMSG;
}

int copy_string(char *dst, size_t size, const char *src)
{
	size_t len = strlen(src);
	if (len >= size)
		return -ENAMETOOLONG;
	memcpy(dst, src, len + 1);
	return 0;
}

int fd_path(char *out, size_t size, const char *prefix, int fd)
{
	char digits[12];
	size_t n = 0, len = strlen(prefix);
	unsigned v = (unsigned)fd;
	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	if (len + n >= size)
		return -ENAMETOOLONG;
	memcpy(out, prefix, len);
	for (size_t i = 0; i < n; i++)
		out[len + i] = digits[n - 1 - i];
	out[len + n] = '\0';
	return 0;
}

int sys_pidfd_open(pid_t pid, unsigned flags)
{
	long r = syscall(SYS_pidfd_open, pid, flags);
	return r < 0 ? -errno : (int)r;
}

int sys_pidfd_send_signal(int pidfd, int sig)
{
	long r = syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
	return r < 0 ? -errno : 0;
}

int sys_pidfd_getfd(int pidfd, int fd)
{
	long r = syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	return r < 0 ? -errno : (int)r;
}

bool var_run_is_run(void)
{
	_cleanup_close_ int var = open("/var", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	char target[16];
	ssize_t n;

	if (var < 0 || (n = readlinkat(var, "run", target, sizeof(target) - 1)) < 0)
		return false;
	target[n] = '\0';
	return strcmp(target, "/run") == 0 || strcmp(target, "/run/") == 0 || strcmp(target, "../run") == 0 ||
	       strcmp(target, "../run/") == 0;
}
