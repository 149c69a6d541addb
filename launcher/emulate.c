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

void emulate_target_close(struct sj_emulate_target *t)
{
	int *fds[] = { &t->root_fd, &t->cwd_fd, &t->userns_fd, &t->mntns_fd };
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

int emulate_target_open(pid_t tid, struct sj_emulate_target *t)
{
	static const char *const names[] = { "root", "cwd", "ns/user", "ns/mnt" };
	int *fds[] = { &t->root_fd, &t->cwd_fd, &t->userns_fd, &t->mntns_fd };
	char path[64], buf[4096];
	_cleanup_close_ int fd = -1;
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
	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		goto fail;
	}
	ssize_t n = read_all(fd, buf, sizeof(buf) - 1);
	if (n < 0) {
		r = (int)n;
		goto fail;
	}
	buf[n] = '\0';
	if ((r = emulate_parse_status(buf, t)) < 0)
		goto fail;
	return 0;
fail:
	emulate_target_close(t);
	return r;
}

static bool same_ns(int fd, const char *self)
{
	struct stat a, b;
	return fstat(fd, &a) == 0 && stat(self, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev;
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
	pid_t child = fork();
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
