// SPDX-License-Identifier: MIT
/*
 * The target of an executor request, as the supervisor reads it while the
 * target waits in bind(): its namespaces, root and cwd as fds, and its
 * ids, groups, capabilities and umask from /proc/<tid>/status, translated
 * into the ids of its user namespace. The executor (executor.c) takes them
 * on.
 */
#include "emulate.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "procfs.h"
#include "util.h"

static int parse_ids(const char *line, unsigned out[4])
{
	return sscanf(line, "%u %u %u %u", &out[0], &out[1], &out[2], &out[3]) == 4 ? 0 : -EINVAL;
}

int emulate_parse_status(const char *text, struct sj_emulate_target *t)
{
	unsigned found = 0;
	for (const char *line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		unsigned ids[4];
		unsigned long long v;
		if (strncmp(line, "Uid:", 4) == 0) {
			if (parse_ids(line + 4, ids) < 0)
				return -EINVAL;
			for (int i = 0; i < 4; i++)
				t->uid[i] = ids[i];
			found |= 1;
		} else if (strncmp(line, "Gid:", 4) == 0) {
			if (parse_ids(line + 4, ids) < 0)
				return -EINVAL;
			for (int i = 0; i < 4; i++)
				t->gid[i] = ids[i];
			found |= 2;
		} else if (strncmp(line, "Groups:", 7) == 0) {
			const char *p = line + 7;
			t->n_groups = 0;
			for (;;) {
				char *end;
				while (*p == ' ' || *p == '\t')
					p++;
				if (*p < '0' || *p > '9')
					break;
				unsigned long g = strtoul(p, &end, 10);
				if (t->n_groups >= sizeof(t->groups) / sizeof(t->groups[0]))
					return -E2BIG;
				t->groups[t->n_groups++] = (gid_t)g;
				p = end;
			}
			found |= 4;
		} else if (sscanf(line, "CapEff: %llx", &v) == 1) {
			t->cap_eff = v;
			found |= 8;
		} else if (sscanf(line, "CapPrm: %llx", &v) == 1) {
			t->cap_prm = v;
			found |= 16;
		} else if (sscanf(line, "CapInh: %llx", &v) == 1) {
			t->cap_inh = v;
			found |= 32;
		} else if (sscanf(line, "Umask: %llo", &v) == 1) {
			t->umask = (mode_t)v;
			found |= 64;
		}
	}
	return found == 127 ? 0 : -EINVAL;
}

/* The id inside the namespace for an id outside it, per one map's text. */
static int map_id(const char *map, unsigned outside, unsigned *inside)
{
	for (const char *line = map; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		unsigned long long first, lower, count;
		if (sscanf(line, "%llu %llu %llu", &first, &lower, &count) != 3)
			continue;
		if (outside >= lower && outside - lower < count) {
			*inside = (unsigned)(first + (outside - lower));
			return 0;
		}
	}
	return -EINVAL;
}

int emulate_translate_ids(const char *uid_map, const char *gid_map, struct sj_emulate_target *t)
{
	uid_t uid[4];
	gid_t gid[4], groups[ARRAY_SIZE(t->groups)];
	size_t n_groups = 0;

	for (int i = 0; i < 4; i++) {
		unsigned u, g;
		/*
		 * No uid_map at all (root without CAP_SETFCAP, idmap.h): nobody
		 * inside can change uid, so the target has the kuid the
		 * executor has; -1 makes setresuid()/setfsuid() keep it.
		 */
		if (uid_map[0] == '\0')
			u = (unsigned)-1;
		else if (map_id(uid_map, t->uid[i], &u) < 0)
			return -EINVAL;
		if (map_id(gid_map, t->gid[i], &g) < 0)
			return -EINVAL;
		uid[i] = u;
		gid[i] = g;
	}
	for (size_t i = 0; i < t->n_groups; i++) {
		unsigned g;
		if (map_id(gid_map, t->groups[i], &g) == 0)
			groups[n_groups++] = g;
	}
	memcpy(t->uid, uid, sizeof(uid));
	memcpy(t->gid, gid, sizeof(gid));
	memcpy(t->groups, groups, n_groups * sizeof(groups[0]));
	t->n_groups = n_groups;
	return 0;
}

void emulate_target_close(struct sj_emulate_target *t)
{
	int *fds[] = { &t->root_fd, &t->cwd_fd, &t->userns_fd, &t->mntns_fd };
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

/*
 * Is the user namespace ns (its stat()) ours? Ours is looked up once: only
 * the supervisor reads targets' ids, and it never leaves its namespace
 * (helpers that do are forked first).
 */
static bool is_own_userns(const struct stat *ns)
{
	static struct stat own;
	static bool known;
	if (!known && stat("/proc/self/ns/user", &own) < 0)
		return false;
	known = true;
	return ns->st_ino == own.st_ino && ns->st_dev == own.st_dev;
}

/* emulate_target_fds() for the /proc entry proc_pid. */
static int target_fds(int proc_pid, struct sj_emulate_target *t)
{
	static const char *const names[] = { "root", "cwd", "ns/user", "ns/mnt" };
	int *fds[] = { &t->root_fd, &t->cwd_fd, &t->userns_fd, &t->mntns_fd };
	char path[64];

	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		*fds[i] = -1;
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++) {
		snprintf(path, sizeof(path), "/proc/%d/%s", proc_pid, names[i]);
		*fds[i] = open(path, (i < 2 ? O_PATH | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
		if (*fds[i] < 0) {
			int r = -errno;
			emulate_target_close(t);
			return r;
		}
	}
	return 0;
}

/* emulate_target_ids() for the /proc entry proc_pid, whose user namespace is userns (its stat()). */
static int target_ids(int proc_pid, const struct stat *userns, struct sj_emulate_target *t)
{
	char buf[4096], uid_map[1024], gid_map[1024];
	int r;

	if ((r = procfs_read(proc_pid, "status", buf, sizeof(buf))) < 0 || (r = emulate_parse_status(buf, t)) < 0)
		return r;
	memcpy(t->host_groups, t->groups, t->n_groups * sizeof(t->groups[0]));
	t->n_host_groups = t->n_groups;
	/*
	 * Rootless with --uid, the sandbox's uid 1000 is our 65534: status
	 * says 65534, and setresuid(65534) in the sandbox's namespace would
	 * fail (or name someone else under a wider map). In our own user
	 * namespace the ids need no translation (and the maps there are
	 * shown relative to our parent, not to us).
	 */
	if (is_own_userns(userns))
		return 0;
	if ((r = procfs_read(proc_pid, "uid_map", uid_map, sizeof(uid_map))) < 0 ||
	    (r = procfs_read(proc_pid, "gid_map", gid_map, sizeof(gid_map))) < 0)
		return r;
	return emulate_translate_ids(uid_map, gid_map, t);
}

int emulate_target_fds(pid_t tid, struct sj_emulate_target *t)
{
	return target_fds(procfs_pid(tid), t);
}

int emulate_target_ids(pid_t tid, struct sj_emulate_target *t)
{
	char path[64];
	struct stat userns;
	int proc_pid = procfs_pid(tid);
	snprintf(path, sizeof(path), "/proc/%d/ns/user", proc_pid);
	if (stat(path, &userns) < 0)
		return -errno;
	return target_ids(proc_pid, &userns, t);
}

int emulate_target_open(pid_t tid, struct sj_emulate_target *t)
{
	struct stat userns;
	int proc_pid = procfs_pid(tid);
	int r = target_fds(proc_pid, t);
	if (r < 0)
		return r;
	if (fstat(t->userns_fd, &userns) < 0)
		r = -errno;
	else
		r = target_ids(proc_pid, &userns, t);
	if (r < 0)
		emulate_target_close(t);
	return r;
}
