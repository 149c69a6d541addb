// SPDX-License-Identifier: MIT
#include "landlock_track.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "util.h"

/* Enough for any sandbox; a full table refuses new restrictions (the caller's choice). */
#define SJ_LANDLOCK_TRACK_MAX 4096

static bool alive(const struct sj_landlock_record *r)
{
	return sys_pidfd_send_signal(r->pidfd, 0) == 0;
}

static void drop(struct sj_landlock_track *t, size_t i)
{
	close(t->v[i].pidfd);
	close(t->v[i].ruleset);
	memmove(&t->v[i], &t->v[i + 1], (t->n - i - 1) * sizeof(t->v[0]));
	t->n--;
}

int landlock_track_add(struct sj_landlock_track *t, pid_t pid, int pidfd, int ruleset)
{
	if (t->n == t->cap) {
		/* A record of an exited process can never be reached again (its children were reparented). */
		for (size_t i = t->n; i-- > 0;)
			if (!alive(&t->v[i]))
				drop(t, i);
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct sj_landlock_record *v = cap <= SJ_LANDLOCK_TRACK_MAX ? realloc(t->v, cap * sizeof(*v)) : NULL;
		if (!v) {
			close(pidfd);
			close(ruleset);
			return -ENOMEM;
		}
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n++] = (struct sj_landlock_record){ .pid = pid, .pidfd = pidfd, .ruleset = ruleset };
	return 0;
}

/* "Tgid:" or "PPid:" of /proc/<pid>/status. */
static int status_field(pid_t pid, const char *field, pid_t *out)
{
	char path[64], buf[4096];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = read_all(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return (int)n;
	buf[n] = '\0';
	size_t flen = strlen(field);
	for (char *line = buf; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		int v;
		if (strncmp(line, field, flen) == 0 && sscanf(line + flen, " %d", &v) == 1) {
			*out = v;
			return 0;
		}
	}
	return -EINVAL;
}

int landlock_track_lookup(struct sj_landlock_track *t, pid_t tid, int *out, size_t max)
{
	size_t k = 0;
	pid_t cur;
	int r;

	if (t->n == 0)
		return 0; /* nobody restricted themselves: no /proc reads on the fast path */
	if ((r = status_field(tid, "Tgid:", &cur)) < 0)
		return r;
	for (int depth = 0; depth < 4096 && cur > 1 && cur != t->edge; depth++) {
		/* Newest first while walking up; reversed below. */
		for (size_t i = t->n; i-- > 0;) {
			if (t->v[i].pid != cur || !alive(&t->v[i]))
				continue;
			if (k == max)
				return -E2BIG;
			out[k++] = t->v[i].ruleset;
		}
		if ((r = status_field(cur, "PPid:", &cur)) < 0)
			return r;
	}
	for (size_t i = 0; i < k / 2; i++) {
		int x = out[i];
		out[i] = out[k - 1 - i];
		out[k - 1 - i] = x;
	}
	return (int)k;
}

void landlock_track_free(struct sj_landlock_track *t)
{
	while (t->n > 0)
		drop(t, t->n - 1);
	free(t->v);
	t->v = NULL;
	t->cap = 0;
}
