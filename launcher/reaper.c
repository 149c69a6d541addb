// SPDX-License-Identifier: MIT
/* Init's view of the other processes in the sandbox (--wait, leftovers). */
#include "reaper.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "util.h"

bool reaper_same_pgrp(pid_t pid)
{
	/*
	 * A group whose leader is outside the namespace reads as 0 from
	 * inside, for init and for COMMAND alike: equal means the same group.
	 */
	pid_t theirs = getpgid(pid);
	return theirs >= 0 && theirs == getpgid(0);
}

/* Calls fn(pid) for each process in /proc but init; returns how many, or -errno. */
static int for_each_other(void (*fn)(pid_t, int), int arg)
{
	DIR *d = opendir("/proc");
	int n = 0;
	if (!d)
		return -errno;
	for (struct dirent *e; (e = readdir(d));) {
		unsigned pid;
		if (parse_uint32(e->d_name, &pid) < 0 || pid <= 1)
			continue;
		n++;
		if (fn)
			fn((pid_t)pid, arg);
	}
	closedir(d);
	return n;
}

int reaper_count_others(void)
{
	return for_each_other(NULL, 0);
}

static void signal_unless_in_our_pgrp(pid_t pid, int sig)
{
	if (!reaper_same_pgrp(pid))
		kill(pid, sig);
}

void reaper_signal_all(int sig, bool from_tty)
{
	/* kill(-1) from a namespace's init reaches every process in it but init. */
	if (!from_tty) {
		kill(-1, sig);
		return;
	}
	for_each_other(signal_unless_in_our_pgrp, sig);
}
