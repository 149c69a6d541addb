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
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "cleanup.h"
#include "fault.h"
#include "landlock.h"
#include "proc_title.h"
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

static bool same_ns(int fd, const char *self)
{
	struct stat a, b;
	return fstat(fd, &a) == 0 && stat(self, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

/* Is fd (a directory) our own root: the same inode on the same mount? */
static bool same_root(int fd)
{
	struct statx a, b;
	if (statx(fd, "", AT_EMPTY_PATH, STATX_INO | STATX_MNT_ID, &a) < 0 ||
	    statx(AT_FDCWD, "/", 0, STATX_INO | STATX_MNT_ID, &b) < 0)
		return false;
	if (!(a.stx_mask & b.stx_mask & STATX_MNT_ID))
		return false;
	return a.stx_ino == b.stx_ino && a.stx_dev_major == b.stx_dev_major && a.stx_dev_minor == b.stx_dev_minor &&
	       a.stx_mnt_id == b.stx_mnt_id;
}

/* Read a small /proc file of tid's into buf (NUL-terminated). */
static int read_proc(pid_t tid, const char *name, char *buf, size_t len)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", procfs_pid(tid), name);
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
		snprintf(path, sizeof(path), "/proc/%d/%s", procfs_pid(tid), names[i]);
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

/*
 * The executor's result, in the zygote's memory: vfork() shares it, so the
 * executor stores its answer here before _exit() and the zygote reads it
 * after waitpid(). zy_done is set last: an executor killed before it leaves
 * the -EPERM the zygote put there (fail closed).
 */
static volatile int zy_err;
static volatile bool zy_denied;
static volatile bool zy_done;

__attribute__((noreturn)) static void executor(const struct sj_settings *s, int landlock_abi,
					       const struct sj_emulate_target *t, int sock, const void *addr,
					       int addrlen, bool check_run_dirs, int zygote_fd)
{
	struct sj_emulate_result res = { 0 };
	const char *step;

#define FAIL()                                                                                     \
	do {                                                                                       \
		res.err = -errno;                                                                  \
		goto done;                                                                         \
	} while (0)

	/*
	 * Our own copy of the zygote's socket: held by an executor stuck in a
	 * lookup, it would hide the zygote's death from the supervisor.
	 */
	close(zygote_fd);
	/* Never outlive the zygote; never be ptraced by what we act for. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		FAIL();
	if (!same_ns(t->userns_fd, "/proc/self/ns/user") && setns(t->userns_fd, CLONE_NEWUSER) < 0)
		FAIL();
	/*
	 * --gate-only: the target shares our mount namespace and root, and
	 * joining or chrooting needs capabilities a container may not give
	 * (its seccomp profile may refuse setns() too). Only what is already
	 * ours is skipped; anything else is joined or fails closed.
	 */
	if (!same_ns(t->mntns_fd, "/proc/self/ns/mnt") && setns(t->mntns_fd, CLONE_NEWNS) < 0)
		FAIL();
	if (fchdir(t->root_fd) < 0 || (!same_root(t->root_fd) && chroot(".") < 0) || fchdir(t->cwd_fd) < 0)
		FAIL();
	if (check_run_dirs) {
		const struct sockaddr_un *un = addr;
		if (!pathname_allowed(s, un, addrlen)) {
			res.err = -EPERM;
			res.denied = true;
			goto done;
		}
		fault_point("executor-checked");
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
	zy_err = res.err;
	zy_denied = res.denied;
	zy_done = true;
	_exit(0);
#undef FAIL
}

/* One request, supervisor → zygote; its fds travel as SCM_RIGHTS in fd_order. */
struct zy_request {
	uint64_t id;
	int32_t addrlen;
	uint8_t check_run_dirs;
	_Alignas(struct sockaddr_storage) unsigned char addr[SJ_EMULATE_ADDR_MAX]; /* read as a struct sockaddr_* */
	struct sj_emulate_target t; /* the fd fields are not used: the fds come as SCM_RIGHTS */
};
enum { ZY_SOCK, ZY_ROOT, ZY_CWD, ZY_USERNS, ZY_MNTNS, ZY_NFDS };

/* One answer, zygote → supervisor. */
struct zy_answer {
	uint64_t id;
	struct sj_emulate_result res;
};

/*
 * vfork() the executor for one request and wait for it. vfork(): the
 * executor borrows the zygote's memory instead of copying its page tables
 * (fork() cost ~2 ms per bind on the bench VM, vfork() ~0.25 ms). executor()
 * never returns, has its own fds, cwd, root, umask and credentials (no
 * CLONE_FILES, CLONE_FS), and the mm it shares is already non-dumpable, so
 * nothing in the sandbox can ptrace its way into the zygote's memory. Only
 * the zygote is suspended meanwhile, never the supervisor.
 */
static struct sj_emulate_result run_executor(const struct sj_settings *s, int landlock_abi,
					     const struct zy_request *rq, const struct sj_emulate_target *t,
					     int sock, int zygote_fd)
{
	zy_err = -EPERM;
	zy_denied = false;
	zy_done = false;
	pid_t child = vfork();
	if (child == 0)
		executor(s, landlock_abi, t, sock, rq->addr, rq->addrlen, rq->check_run_dirs, zygote_fd);
	if (child < 0)
		return (struct sj_emulate_result){ .err = -EPERM };
	while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
		;
	if (!zy_done)
		return (struct sj_emulate_result){ .err = -EPERM };
	return (struct sj_emulate_result){ .err = zy_err, .denied = zy_denied };
}

/*
 * The zygote: forked once by the supervisor, it serves requests one at a
 * time, so a request queues behind an executor stuck in a lookup (a dead
 * FUSE or NFS mount) while the supervisor goes on serving everything else.
 * Single-threaded, never execs, holds no fd but its socket (and one
 * request's fds at a time).
 */
__attribute__((noreturn)) static void zygote(const struct sj_settings *s, int landlock_abi, int fd, pid_t parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != parent ||
	    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		_exit(1);
	if ((fd > 0 && syscall(SYS_close_range, 0U, (unsigned)fd - 1, 0U) < 0) ||
	    syscall(SYS_close_range, (unsigned)fd + 1, ~0U, 0U) < 0)
		_exit(1);
	/* In ps: "sockjail: executor COMMAND...", and so are the executors it vforks. */
	proc_title_set("sockjail-exec", "executor");
	for (;;) {
		struct zy_request rq;
		union {
			struct cmsghdr h;
			char buf[CMSG_SPACE(ZY_NFDS * sizeof(int))];
		} c;
		struct iovec iov = { &rq, sizeof(rq) };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.buf, .msg_controllen = sizeof(c.buf) };
		ssize_t n = recvmsg(fd, &m, MSG_CMSG_CLOEXEC);
		if (n == 0)
			_exit(0); /* the supervisor is gone */
		if (n < 0) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		int fds[ZY_NFDS];
		size_t nfds = 0;
		for (struct cmsghdr *h = CMSG_FIRSTHDR(&m); h; h = CMSG_NXTHDR(&m, h)) {
			if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS)
				continue;
			size_t k = (h->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			for (size_t i = 0; i < k; i++) {
				int f;
				memcpy(&f, CMSG_DATA(h) + i * sizeof(int), sizeof(int));
				if (nfds < ZY_NFDS)
					fds[nfds++] = f;
				else
					close(f);
			}
		}
		/* Without the id, the supervisor could not be answered: let it fail everything closed. */
		if (n != (ssize_t)sizeof(rq))
			_exit(1);
		struct zy_answer a = { .id = rq.id, .res = { .err = -EPERM } };
		if (nfds == ZY_NFDS && !(m.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) && rq.addrlen >= 0 &&
		    rq.addrlen <= SJ_EMULATE_ADDR_MAX && rq.t.n_groups <= ARRAY_SIZE(rq.t.groups)) {
			struct sj_emulate_target t = rq.t;
			t.root_fd = fds[ZY_ROOT];
			t.cwd_fd = fds[ZY_CWD];
			t.userns_fd = fds[ZY_USERNS];
			t.mntns_fd = fds[ZY_MNTNS];
			a.res = run_executor(s, landlock_abi, &rq, &t, fds[ZY_SOCK], fd);
		}
		for (size_t i = 0; i < nfds; i++)
			close(fds[i]);
		while (send(fd, &a, sizeof(a), MSG_NOSIGNAL) < 0)
			if (errno != EINTR)
				_exit(1);
	}
}

int emulate_zygote_start(const struct sj_settings *s, int landlock_abi, pid_t *pid, int *fd)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	pid_t parent = getpid();
	pid_t child = fork();
	if (child < 0) {
		int e = -errno;
		close(sv[0]);
		close(sv[1]);
		return e;
	}
	if (child == 0)
		zygote(s, landlock_abi, sv[1], parent);
	close(sv[1]);
	*pid = child;
	*fd = sv[0];
	return 0;
}

void emulate_zygote_stop(pid_t *pid, int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
	if (*pid > 0) {
		kill(*pid, SIGKILL);
		while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	*pid = 0;
}

int emulate_send(int fd, uint64_t id, const struct sj_emulate_target *t, int sock, const void *addr, int addrlen,
		 bool check_run_dirs)
{
	struct zy_request rq;
	if (addrlen < 0 || addrlen > SJ_EMULATE_ADDR_MAX)
		return -EINVAL;
	memset(&rq, 0, sizeof(rq));
	rq.id = id;
	rq.addrlen = addrlen;
	rq.check_run_dirs = check_run_dirs;
	if (addrlen > 0)
		memcpy(rq.addr, addr, (size_t)addrlen);
	rq.t = *t;
	const int fds[ZY_NFDS] = { [ZY_SOCK] = sock,
				   [ZY_ROOT] = t->root_fd,
				   [ZY_CWD] = t->cwd_fd,
				   [ZY_USERNS] = t->userns_fd,
				   [ZY_MNTNS] = t->mntns_fd };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(fds))];
	} c;
	memset(&c, 0, sizeof(c));
	struct iovec iov = { &rq, sizeof(rq) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.buf, .msg_controllen = sizeof(c.buf) };
	struct cmsghdr *h = CMSG_FIRSTHDR(&m);
	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(sizeof(fds));
	memcpy(CMSG_DATA(h), fds, sizeof(fds));
	/* Never wait: a full queue (a stuck zygote) refuses the bind instead. */
	ssize_t n = sendmsg(fd, &m, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n < 0)
		return -errno;
	return n == (ssize_t)sizeof(rq) ? 0 : -EIO;
}

int emulate_recv(int fd, uint64_t *id, struct sj_emulate_result *res)
{
	struct zy_answer a;
	ssize_t n = recv(fd, &a, sizeof(a), MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -errno;
	if (n != (ssize_t)sizeof(a))
		return -EPIPE; /* EOF: the zygote is gone (or talks nonsense) */
	*id = a.id;
	*res = a.res;
	return 1;
}
