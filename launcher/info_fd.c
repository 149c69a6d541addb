// SPDX-License-Identifier: MIT
/* --info-fd: what a service manager or a script needs to find the sandbox. */
#include "info_fd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "procfs.h"
#include "util.h"

int info_fd_check(const struct sj_settings *s, char *err, size_t errlen)
{
	if (s->info_fd < 0)
		return 0;
	if (fcntl(s->info_fd, F_GETFD) < 0) {
		int e = errno;
		snprintf(err, errlen, "--info-fd %d: %s (open it for sockjail, e.g. %d>FILE)", s->info_fd,
			 strerror(e), s->info_fd);
		return -e;
	}
	/* sockjail never executes anything; the sandbox's processes close it (child_main). */
	if (fcntl(s->info_fd, F_SETFD, FD_CLOEXEC) < 0)
		return -errno;
	return 0;
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

int info_fd_prepare(struct sj_info *info, const struct sj_settings *s, pid_t first_pid, int sync_fd, uint64_t net_ns)
{
	int one = 1, r;
	info->fd = s->info_fd;
	if (info->fd < 0)
		return 0;
	info->init_pid = s->pid == SJ_PID_HOST ? 0 : first_pid;
	/* Read now: a COMMAND as quick as true may be gone, with /proc/<pid>/ns, by the time it runs. */
	/* The netns is the supervisor's word: where it makes it, the first process has not joined yet. */
	info->net_ns = net_ns;
	if ((r = ns_inode(first_pid, "mnt", &info->mnt_ns)) < 0 || (r = ns_inode(first_pid, "pid", &info->pid_ns)) < 0)
		return r;
	if (setsockopt(sync_fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0)
		return -errno;
	return 0;
}

int info_fd_format(const struct sj_info *info, pid_t command_pid, pid_t supervisor_pid, char *buf, size_t len)
{
	char init[16] = "null";
	if (info->init_pid > 0)
		snprintf(init, sizeof(init), "%d", (int)info->init_pid);
	int n = snprintf(buf, len,
			 "{\"pid\": %d, \"init-pid\": %s, \"supervisor-pid\": %d, \"net-namespace\": %llu, "
			 "\"mnt-namespace\": %llu, \"pid-namespace\": %llu}\n",
			 (int)command_pid, init, (int)supervisor_pid, (unsigned long long)info->net_ns,
			 (unsigned long long)info->mnt_ns, (unsigned long long)info->pid_ns);
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	return n;
}

int info_fd_write(struct sj_info *info, pid_t command_pid)
{
	char buf[512];
	int r, n;
	if (info->fd < 0)
		return 0;
	if ((n = info_fd_format(info, command_pid, getpid(), buf, sizeof(buf))) < 0)
		r = n;
	else
		r = write_all(info->fd, buf, (size_t)n);
	close(info->fd);
	info->fd = -1;
	return r;
}
