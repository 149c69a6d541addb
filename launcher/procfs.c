// SPDX-License-Identifier: MIT
/* Which number a process of ours has in the /proc we were given. */
#include "procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "util.h"

/* <linux/pidfd.h> of 6.11; Debian 12's headers predate it. */
#ifndef PIDFD_GET_NET_NAMESPACE
#define PIDFD_GET_NET_NAMESPACE _IO(0xFF, 4)
#endif

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

static enum sj_procfs_mode mode = SJ_PROCFS_SAME;

int procfs_parse_fdinfo(const char *text, long *pid, int *levels)
{
	const char *p = strstr(text, "\nPid:");
	const char *ns = strstr(text, "\nNSpid:");
	if (!p)
		return -EINVAL;
	char *end;
	long v = strtol(p + 5, &end, 10);
	if (end == p + 5)
		return -EINVAL;
	int n = 1;
	if (ns) {
		/* One number per PID namespace level, from /proc's down to the process's own. */
		n = 0;
		for (const char *q = ns + 7; *q && *q != '\n';) {
			while (*q == '\t' || *q == ' ')
				q++;
			if (*q == '\n' || !*q)
				break;
			n++;
			while (*q && *q != '\t' && *q != ' ' && *q != '\n')
				q++;
		}
	}
	*pid = v;
	*levels = n;
	return 0;
}

enum sj_procfs_mode procfs_mode_of(long pid_in_proc, int levels)
{
	if (pid_in_proc <= 0)
		return SJ_PROCFS_FOREIGN;
	return levels <= 1 ? SJ_PROCFS_SAME : SJ_PROCFS_ANCESTOR;
}

/* "Pid:" of a pidfd, read through /proc/self (which resolves in any /proc that sees us). */
static int pidfd_proc_pid(int pidfd, long *pid, int *levels)
{
	char path[40], buf[512];
	fd_path(path, sizeof(path), "/proc/self/fdinfo/", pidfd);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf[0] = '\n';
	ssize_t n = read_all(fd, buf + 1, sizeof(buf) - 2);
	if (n < 0)
		return (int)n;
	buf[n + 1] = '\0';
	return procfs_parse_fdinfo(buf, pid, levels);
}

enum sj_procfs_mode procfs_init(void)
{
	long pid = 0;
	int levels = 0;
	_cleanup_close_ int pidfd = sys_pidfd_open(getpid(), 0);
	/* Without pidfds (before 5.3) there is nothing better to go on than the old way. */
	if (pidfd < 0)
		return mode = SJ_PROCFS_SAME;
	/* No /proc/self: this /proc cannot see us (or there is no /proc). */
	if (pidfd_proc_pid(pidfd, &pid, &levels) < 0)
		return mode = SJ_PROCFS_FOREIGN;
	return mode = procfs_mode_of(pid, levels);
}

int procfs_pid(pid_t pid)
{
	if (mode == SJ_PROCFS_SAME)
		return (int)pid;
	if (mode == SJ_PROCFS_FOREIGN)
		return -1;
	/* A thread's own pidfd (6.9+), else its thread group's (a leader's tid is its pid). */
	_cleanup_close_ int pidfd = sys_pidfd_open(pid, PIDFD_THREAD);
	if (pidfd < 0)
		pidfd = sys_pidfd_open(pid, 0);
	long v;
	int levels;
	if (pidfd < 0 || pidfd_proc_pid(pidfd, &v, &levels) < 0 || v <= 0)
		return -1;
	return (int)v;
}

int procfs_read(int proc_pid, const char *name, char *buf, size_t len)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", proc_pid, name);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n;
	while ((n = read(fd, buf, len - 1)) < 0 && errno == EINTR)
		;
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return (int)n;
}

int procfs_netns_open(int pidfd, pid_t pid)
{
	/* From the pidfd (6.11+): no /proc lookup, whose first one in a new process is slow. */
	int ns = ioctl(pidfd, PIDFD_GET_NET_NAMESPACE, 0);
	if (ns >= 0)
		return ns;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/net", procfs_pid(pid));
	ns = open(path, O_RDONLY | O_CLOEXEC);
	return ns < 0 ? -errno : ns;
}
