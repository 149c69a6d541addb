/* SPDX-License-Identifier: MIT */
/*
 * Finding a process in /proc when /proc may belong to another PID
 * namespace than sockjail's (unshare -pf without --mount-proc, a
 * container sharing the host's /proc).
 *
 * Every pid sockjail holds (clone()'s result, a seccomp notification's
 * pid) is a pid in sockjail's own PID namespace. /proc shows pids of the
 * namespace it was mounted for; when that is an ancestor of ours, the
 * same process has another number there, which the fdinfo of a pidfd
 * names ("Pid:", counted in the namespace of the /proc it is read from).
 * When /proc belongs to a namespace that cannot see us at all, nothing in
 * it can be trusted to be ours: start-up stops.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

enum sj_procfs_mode {
	SJ_PROCFS_SAME,      /* /proc is our PID namespace's: pids are used as they are */
	SJ_PROCFS_ANCESTOR,  /* /proc is an ancestor's: each pid is translated through a pidfd */
	SJ_PROCFS_FOREIGN,   /* /proc cannot see us: unusable */
};

/*
 * From the text of /proc/self/fdinfo/<pidfd of ourselves>: the pid as
 * that /proc sees it and the number of NSpid levels. Pure. Returns 0, or
 * -EINVAL if the text has no Pid: line.
 */
int procfs_parse_fdinfo(const char *text, long *pid, int *levels);
enum sj_procfs_mode procfs_mode_of(long pid_in_proc, int levels);

/* Decide how /proc is used (once, before any procfs_pid()). */
enum sj_procfs_mode procfs_init(void);

/*
 * pid's number in /proc (pid itself unless /proc is an ancestor's), or -1
 * if the process is gone or cannot be found: a path built from -1 fails
 * with ENOENT. The process must be one that cannot be reaped meanwhile
 * (our unreaped child, or a thread waiting for our seccomp answer).
 */
int procfs_pid(pid_t pid);

/*
 * /proc/<proc_pid>/<name> into buf (NUL-terminated), in one read(): a
 * procfs file fills the buffer as far as it goes. proc_pid is /proc's
 * number (procfs_pid()). Returns the length, or a negative errno.
 */
int procfs_read(int proc_pid, const char *name, char *buf, size_t len);

/*
 * An fd (O_CLOEXEC) of the network namespace of our unreaped child pid
 * (pidfd is its pidfd): through the pidfd where the kernel can (6.11+),
 * else /proc/<pid>/ns/net. Returns the fd or a negative errno.
 */
int procfs_netns_open(int pidfd, pid_t pid);
