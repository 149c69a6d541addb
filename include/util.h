/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* write()/read() the whole buffer, retrying on EINTR. Return 0 or -errno. */
int write_all(int fd, const void *buf, size_t len);
/* Returns bytes read (short only at EOF) or -errno. */
ssize_t read_all(int fd, void *buf, size_t len);

/* Write a string to a file such as /proc/self/uid_map. */
int write_file(const char *path, const char *text);

int parse_uint32(const char *s, unsigned *out);

/* Send and receive one fd over an AF_UNIX socket (SCM_RIGHTS). */
int send_fd(int sock, int fd);
/* send_fd() with a payload of one's own (one SEQPACKET message, fd attached). */
int send_fd_with(int sock, int fd, const void *payload, size_t len);
int recv_fd(int sock);
/*
 * Up to SJ_FDS_PER_MESSAGE fds in one message whose one data byte is tag.
 * recv_fds() returns their number (into fds[max]), -EPIPE at EOF, and the
 * sender's pid like recv_msg_fds().
 */
#define SJ_FDS_PER_MESSAGE 64
int send_fds(int sock, char tag, const int *fds, size_t n);
int recv_fds(int sock, char *tag, int *fds, size_t max, pid_t *pid);
/*
 * The one sender of the above: payload (len bytes) with fds[0..n),
 * 1 <= n <= SJ_FDS_PER_MESSAGE; flags for sendmsg() besides MSG_NOSIGNAL
 * (MSG_DONTWAIT: -EAGAIN rather than wait). -EIO when cut short.
 */
int send_msg_fds(int sock, const void *payload, size_t len, const int *fds, size_t n, int flags);
/*
 * The one receiver of the above: one message, its payload (up to len bytes)
 * into buf, its fds (SCM_RIGHTS, O_CLOEXEC; max <= SJ_FDS_PER_MESSAGE) into
 * fds and their number into *nfds, and the sender's pid (in our PID
 * namespace) into *pid when the socket has SO_PASSCRED, else 0 (pid may be
 * NULL). Returns the payload's length; -EPIPE at EOF; -EBADMSG, with every
 * fd received closed, when more than max fds came or some were dropped
 * (MSG_CTRUNC); another negative errno on error. Outputs are untouched on
 * failure.
 */
ssize_t recv_msg_fds(int sock, void *buf, size_t len, int *fds, size_t max, size_t *nfds, pid_t *pid);

/*
 * Without printf(), whose code and tables are pages that a start-up
 * would fault in for these alone (in each process that first calls it):
 * copy_string() copies src into dst[size], or fails with -ENAMETOOLONG;
 * fd_path() writes prefix and fd in decimal into out[size] (-ENAMETOOLONG
 * if it does not fit).
 */
int copy_string(char *dst, size_t size, const char *src);
int fd_path(char *out, size_t size, const char *prefix, int fd);

/* pidfd_open(2), pidfd_send_signal(2), pidfd_getfd(2) by syscall number. */
int sys_pidfd_open(pid_t pid, unsigned flags);
int sys_pidfd_send_signal(int pidfd, int sig);
int sys_pidfd_getfd(int pidfd, int fd);

/*
 * /var/run is a symlink to /run (or ../run), as Debian makes it, so that
 * /var/run/x may be taken for /run/x. /var itself must be a directory.
 */
bool var_run_is_run(void);
