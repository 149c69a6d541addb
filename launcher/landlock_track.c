// SPDX-License-Identifier: MIT
#include "landlock_track.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "procfs.h"
#include "util.h"

/*
 * Records are kept after their process exits (its orphans may still need
 * them), so the table only grows: a full one refuses new restrictions.
 */
#define SJ_LANDLOCK_TRACK_MAX 4096

static int start_time(pid_t pid, uint64_t *out);
static int status_field(pid_t pid, const char *field, pid_t *out);

/* Is r->pid still the process that restricted itself (not gone, not reused)? */
static bool alive(const struct sj_landlock_record *r)
{
	uint64_t st;
	return start_time(r->pid, &st) == 0 && st == r->start;
}

static uint64_t now_ticks(void)
{
	struct timespec ts;
	long hz = sysconf(_SC_CLK_TCK);
	if (clock_gettime(CLOCK_BOOTTIME, &ts) < 0 || hz <= 0)
		return 0;
	return (uint64_t)ts.tv_sec * (uint64_t)hz + (uint64_t)ts.tv_nsec / (1000000000ULL / (uint64_t)hz);
}

int landlock_track_add(struct sj_landlock_track *t, pid_t tid, int ruleset)
{
	_cleanup_close_ int rs = ruleset;
	struct sj_landlock_record r = { .ruleset = -1, .time = now_ticks() };
	int e;
	if ((e = status_field(procfs_pid(tid), "Tgid:", &r.pid)) < 0 || (e = start_time(r.pid, &r.start)) < 0)
		return e;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct sj_landlock_record *v = cap <= SJ_LANDLOCK_TRACK_MAX ? realloc(t->v, cap * sizeof(*v)) : NULL;
		if (!v)
			return -ENOSPC;
		t->v = v;
		t->cap = cap;
	}
	r.ruleset = TAKE_FD(rs);
	t->v[t->n++] = r;
	return 0;
}

/* "Tgid:" or "PPid:" of /proc/<pid>/status. */
static int status_field(pid_t pid, const char *field, pid_t *out)
{
	char buf[4096];
	int r = procfs_read((int)pid, "status", buf, sizeof(buf));
	if (r < 0)
		return r;
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

/* Field 22 of /proc/<pid>/stat: start time, in clock ticks since boot. */
static int start_time(pid_t pid, uint64_t *out)
{
	char buf[1024];
	int r = procfs_read((int)pid, "stat", buf, sizeof(buf));
	if (r < 0)
		return r;
	/* comm may hold anything, ')' too: the fields start after the last one. */
	char *p = strrchr(buf, ')');
	unsigned long long v;
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
			 &v) != 1)
		return -EINVAL;
	*out = v;
	return 0;
}

static int add_out(int *out, size_t *k, size_t max, int fd)
{
	for (size_t i = 0; i < *k; i++)
		if (out[i] == fd)
			return 0;
	if (*k == max)
		return -E2BIG;
	out[(*k)++] = fd;
	return 0;
}

int landlock_track_lookup(struct sj_landlock_track *t, pid_t tid, int *out, size_t max)
{
	size_t k = 0;
	pid_t cur, prev = 0;
	int r;

	if (t->n == 0)
		return 0; /* nobody restricted themselves: no /proc reads on the fast path */
	if ((r = status_field(procfs_pid(tid), "Tgid:", &cur)) < 0)
		return r;
	for (int depth = 0; depth < 4096 && cur > 1 && cur != t->edge && cur != t->root; depth++) {
		for (size_t i = 0; i < t->n; i++)
			if (t->v[i].pid == cur && alive(&t->v[i]) && (r = add_out(out, &k, max, t->v[i].ruleset)) < 0)
				return r;
		prev = cur;
		if ((r = status_field(cur, "PPid:", &cur)) < 0)
			return r;
	}
	/* COMMAND (with --pid host: root) restricting itself. */
	for (size_t i = 0; cur == t->root && i < t->n; i++)
		if (t->v[i].pid == cur && alive(&t->v[i]) && (r = add_out(out, &k, max, t->v[i].ruleset)) < 0)
			return r;
	bool complete = cur == t->root && (prev == 0 || t->root == t->command || prev == t->command);
	if (!complete && prev != 0) {
		/* Orphaned: whatever was recorded before prev started may be its lost ancestors'. */
		uint64_t started;
		if ((r = start_time(prev, &started)) < 0)
			return r;
		for (size_t i = 0; i < t->n; i++)
			if (t->v[i].time <= started && (r = add_out(out, &k, max, t->v[i].ruleset)) < 0)
				return r;
	}
	return (int)k;
}

void landlock_track_free(struct sj_landlock_track *t)
{
	for (size_t i = 0; i < t->n; i++)
		close(t->v[i].ruleset);
	free(t->v);
	t->v = NULL;
	t->n = t->cap = 0;
}

void landlock_track_init(struct sj_landlock_track *t, pid_t edge, pid_t root, pid_t command)
{
	/* Compared with what /proc says: in /proc's numbering. */
	t->edge = procfs_pid(edge);
	t->root = procfs_pid(root);
	t->command = command > 0 ? procfs_pid(command) : 0;
}
