// SPDX-License-Identifier: MIT
/*
 * Rewriting the command line the way setproctitle(3) does. The kernel
 * shows /proc/PID/cmdline from the memory between the start of argv[0]
 * and the end of the last argument, reading on into the environment
 * strings when they follow and the last byte of that range is not NUL
 * (fs/proc/base.c, get_mm_cmdline()); then it shows everything up to the
 * first NUL. So the title is written over the arguments and environment,
 * ends in a NUL, and the argument range's last byte is made non-NUL.
 */
#include "proc_title.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

extern char **environ;

static char *area;	   /* where argv[0] was */
static size_t area_len;	   /* the arguments and the environment after them */
static size_t args_len;	   /* the arguments alone */
/* Both volatile: written, never read, but the stores must stay for leak checkers. */
static char **volatile moved;     /* the heap copies of every string */
static char **volatile moved_env; /* the array environ started as (setenv() may replace it) */
static char *const *title_command;

void proc_title_init(int argc, char **argv)
{
	size_t n_env = 0;

	if (argc < 1 || !argv[0] || area)
		return;
	char *start = argv[0], *end = argv[0];
	for (int i = 0; i < argc && argv[i] == end; i++)
		end += strlen(argv[i]) + 1;
	size_t args = (size_t)(end - start);
	for (; environ && environ[n_env]; n_env++)
		if (environ[n_env] == end)
			end += strlen(environ[n_env]) + 1;
	/* All strings are copied, or nothing is changed. */
	size_t total = (size_t)argc + 1 + n_env + 1;
	/*
	 * copies holds every string for good; environ gets an array of its
	 * own, since unsetenv() shifts environ's pointers in place and would
	 * otherwise drop the only reference to a string (a leak to LSan).
	 */
	char **copies = calloc(total, sizeof(*copies));
	char **env = calloc(n_env + 1, sizeof(*env));
	if (!copies || !env) {
		free(copies);
		free(env);
		return;
	}
	for (int i = 0; i < argc; i++)
		if (!(copies[i] = strdup(argv[i])))
			goto fail;
	for (size_t i = 0; i < n_env; i++)
		if (!(env[i] = copies[(size_t)argc + 1 + i] = strdup(environ[i])))
			goto fail;
	for (int i = 0; i < argc; i++)
		argv[i] = copies[i];
	environ = moved_env = env;
	moved = copies;
	area = start;
	area_len = (size_t)(end - start);
	args_len = args;
	return;
fail:
	for (size_t i = 0; i < total; i++)
		free(copies[i]);
	free(copies);
	free(env);
}

void proc_title_command(char *const *command)
{
	title_command = command;
}

/*
 * Append sep and s to the title's first n bytes, as far as they fit with
 * a NUL after them; returns the new length. Not printf(): its code is
 * pages that init, which sets its title at start, would fault in for it.
 */
static size_t title_append(size_t n, const char *sep, const char *s)
{
	for (const char *p = sep; *p && n + 1 < area_len; p++)
		area[n++] = *p;
	for (const char *p = s; *p && n + 1 < area_len; p++)
		area[n++] = *p;
	return n;
}

int proc_title_set(const char *comm, const char *role)
{
	if (prctl(PR_SET_NAME, comm, 0, 0, 0) < 0)
		return -errno;
	if (!area || area_len < 2)
		return 0;
	/* Built in place: nothing to allocate in a process that may be a vfork()er. */
	size_t n = title_append(0, "sockjail: ", role);
	for (char *const *w = title_command; w && *w && n + 1 < area_len; w++)
		n = title_append(n, " ", *w);
	memset(area + n, 0, area_len - n);
	/* Not NUL: the kernel then shows the title up to its NUL, not the whole range. */
	if (n + 1 < args_len)
		area[args_len - 1] = ' ';
	return 0;
}
