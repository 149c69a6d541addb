// SPDX-License-Identifier: MIT
/*
 * The bind executor. Why a process and not a thread of the supervisor with
 * setfsuid(): a thread keeps the supervisor's capabilities and user
 * namespace, so a privileged port, a netlink group or a directory the
 * target cannot write would succeed for it. A process that becomes the
 * target (namespaces, root, cwd, ids, groups, capabilities, umask) gets
 * exactly the kernel's answer.
 */
#include "emulate.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "caps.h"
#include "cleanup.h"
#include "landlock.h"
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
		if (map_id(uid_map, t->uid[i], &u) < 0 || map_id(gid_map, t->gid[i], &g) < 0)
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

static bool same_ns(int fd, const char *self)
{
	struct stat a, b;
	return fstat(fd, &a) == 0 && stat(self, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

/* Read a small /proc file of tid's into buf (NUL-terminated). */
static int read_proc(pid_t tid, const char *name, char *buf, size_t len)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)tid, name);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = read_all(fd, buf, len - 1);
	if (n < 0)
		return (int)n;
	buf[n] = '\0';
	return 0;
}

int emulate_target_open(pid_t tid, struct sj_emulate_target *t)
{
	static const char *const names[] = { "root", "cwd", "ns/user", "ns/mnt" };
	int *fds[] = { &t->root_fd, &t->cwd_fd, &t->userns_fd, &t->mntns_fd };
	char path[64], buf[4096], uid_map[1024], gid_map[1024];
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		*fds[i] = -1;
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++) {
		snprintf(path, sizeof(path), "/proc/%d/%s", (int)tid, names[i]);
		*fds[i] = open(path, (i < 2 ? O_PATH | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
		if (*fds[i] < 0) {
			r = -errno;
			goto fail;
		}
	}
	if ((r = read_proc(tid, "status", buf, sizeof(buf))) < 0 || (r = emulate_parse_status(buf, t)) < 0)
		goto fail;
	/*
	 * Rootless with --uid, the sandbox's uid 1000 is our 65534: status
	 * says 65534, and setresuid(65534) in the sandbox's namespace would
	 * fail (or name someone else under a wider map). In our own user
	 * namespace the ids need no translation (and the maps there are
	 * shown relative to our parent, not to us).
	 */
	if (!same_ns(t->userns_fd, "/proc/self/ns/user")) {
		if ((r = read_proc(tid, "uid_map", uid_map, sizeof(uid_map))) < 0 ||
		    (r = read_proc(tid, "gid_map", gid_map, sizeof(gid_map))) < 0 ||
		    (r = emulate_translate_ids(uid_map, gid_map, t)) < 0)
			goto fail;
	}
	return 0;
fail:
	emulate_target_close(t);
	return r;
}

/*
 * --pathname-bind run-dirs: the directory the socket file would be created
 * in, resolved in the target's root and cwd, must lie beneath a run-dir.
 */
static bool pathname_allowed(const struct sj_settings *s, const struct sockaddr_un *un, int addrlen)
{
	char path[sizeof(un->sun_path) + 1], resolved[PATH_MAX];
	size_t len = strnlen(un->sun_path, (size_t)addrlen - offsetof(struct sockaddr_un, sun_path));
	memcpy(path, un->sun_path, len);
	path[len] = '\0';
	char *slash = strrchr(path, '/');
	const char *dir = ".";
	if (slash == path)
		dir = "/";
	else if (slash) {
		*slash = '\0';
		dir = path;
	}
	if (!realpath(dir, resolved))
		return false;
	for (size_t i = 0; i < s->run_dirs.n; i++)
		if (path_is_under(resolved, s->run_dirs.v[i]))
			return true;
	return false;
}

__attribute__((noreturn)) static void executor(const struct sj_settings *s, int landlock_abi,
					       const struct sj_emulate_target *t, int sock, const void *addr,
					       int addrlen, bool check_run_dirs, int out)
{
	struct sj_emulate_result res = { 0 };
	const char *step;

#define FAIL()                                                                                     \
	do {                                                                                       \
		res.err = -errno;                                                                  \
		goto done;                                                                         \
	} while (0)

	/* Never outlive the supervisor; never be ptraced by what we act for. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		FAIL();
	if (!same_ns(t->userns_fd, "/proc/self/ns/user") && setns(t->userns_fd, CLONE_NEWUSER) < 0)
		FAIL();
	if (setns(t->mntns_fd, CLONE_NEWNS) < 0)
		FAIL();
	if (fchdir(t->root_fd) < 0 || chroot(".") < 0 || fchdir(t->cwd_fd) < 0)
		FAIL();
	if (check_run_dirs) {
		const struct sockaddr_un *un = addr;
		if (!pathname_allowed(s, un, addrlen)) {
			res.err = -EPERM;
			res.denied = true;
			goto done;
		}
		/* The same rule in the kernel, so a symlink swapped in now cannot move the socket. */
		struct sj_settings only_fs = { .pathname_bind = SJ_PATHNAME_BIND_RUN_DIRS,
					       .run_dirs = s->run_dirs,
					       .abstract_connect = SJ_ABSTRACT_CONNECT_ALLOW };
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			FAIL();
		int r = landlock_apply(&only_fs, landlock_abi < 6 ? landlock_abi : 5, &step);
		if (r < 0) {
			res.err = r;
			goto done;
		}
	}
	/* Groups first: setgroups() needs CAP_SETGID, which the ids below may drop. */
	if (setgroups(t->n_groups, t->groups) < 0 && errno != EPERM)
		FAIL();
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		FAIL();
	if (setresgid(t->gid[0], t->gid[1], t->gid[2]) < 0 || setresuid(t->uid[0], t->uid[1], t->uid[2]) < 0)
		FAIL();
	setfsgid(t->gid[3]);
	setfsuid(t->uid[3]);
	int r = caps_set(t->cap_eff, t->cap_prm, t->cap_inh);
	if (r < 0) {
		res.err = r;
		goto done;
	}
	umask(t->umask);
	if (bind(sock, addr, (socklen_t)addrlen) < 0)
		FAIL();
done:
	write_all(out, &res, sizeof(res));
	_exit(0);
#undef FAIL
}

int emulate_start(const struct sj_settings *s, int landlock_abi, const struct sj_emulate_target *t, int sock,
		  const void *addr, int addrlen, bool check_run_dirs, pid_t *pid, int *result_fd)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	/*
	 * vfork(): the executor borrows our memory instead of copying our
	 * page tables, and we wait, suspended, until it has bound and
	 * _exit()ed. fork() cost ~0.7 ms of page-table copying, copy-on-write
	 * faults (ours and its) and teardown per bind on the bench machine;
	 * an executor bind took ~1.6 ms with it, ~0.25 ms now
	 * (README.md, "Benchmarks"). executor() never returns, has its own
	 * fds, cwd, root, umask and credentials (no CLONE_FILES, CLONE_FS),
	 * and its first step makes our shared mm non-dumpable, before it
	 * takes on the target's ids, so nothing in the sandbox can ptrace
	 * its way into our memory. The price: while one executor runs (a
	 * path lookup that blocks on a dead FUSE or NFS mount, say), the
	 * supervisor waits for it instead of serving other binds.
	 */
	pid_t child = vfork();
	if (child < 0) {
		int e = errno;
		close(p[0]);
		close(p[1]);
		return -e;
	}
	if (child == 0) {
		close(p[0]);
		executor(s, landlock_abi, t, sock, addr, addrlen, check_run_dirs, p[1]);
	}
	close(p[1]);
	*pid = child;
	*result_fd = p[0];
	return 0;
}
