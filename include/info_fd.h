/* SPDX-License-Identifier: MIT */
/* --info-fd: pids and namespaces as one JSON object, written once COMMAND runs. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "settings.h"

struct sj_info {
	int fd;          /* -1: no --info-fd, or written already */
	pid_t init_pid;  /* 0 with --pid host */
	uint64_t net_ns, mnt_ns, pid_ns;
};

/* Before anything is unshared: the fd must be open. Returns 0 or -errno with err set. */
int info_fd_check(const struct sj_settings *s, char *err, size_t errlen);

/*
 * After clone(), before the sandbox is released: note the namespaces of
 * its first process (net_ns: the inode of the netns it has, or is about
 * to join), and ask the kernel for the pid of whoever sends on sync_fd
 * (COMMAND's process hands the seccomp listener over on it).
 */
int info_fd_prepare(struct sj_info *info, const struct sj_settings *s, pid_t first_pid, int sync_fd, uint64_t net_ns);

/* Pure: the JSON object. Returns the length, or -ENOSPC. */
int info_fd_format(const struct sj_info *info, pid_t command_pid, pid_t supervisor_pid, char *buf, size_t len);

/* Write the object to the fd and close it. */
int info_fd_write(struct sj_info *info, pid_t command_pid);
