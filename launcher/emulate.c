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

/* Is fd the namespace whose fstat() is own? */
static bool same_ns_as(int fd, const struct stat *own)
{
	struct stat a;
	return fstat(fd, &a) == 0 && a.st_ino == own->st_ino && a.st_dev == own->st_dev;
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

/*
 * Our user namespace, looked up once: only the supervisor opens targets,
 * and it never leaves its namespace (helpers that do are forked first).
 */
static bool is_own_userns(int fd)
{
	static struct stat own;
	static bool known;
	if (!known && stat("/proc/self/ns/user", &own) < 0)
		return false;
	known = true;
	return same_ns_as(fd, &own);
}

int emulate_target_open(pid_t tid, struct sj_emulate_target *t)
{
	static const char *const names[] = { "root", "cwd", "ns/user", "ns/mnt" };
	int *fds[] = { &t->root_fd, &t->cwd_fd, &t->userns_fd, &t->mntns_fd };
	char path[64], buf[4096], uid_map[1024], gid_map[1024];
	int proc_pid = procfs_pid(tid), r;

	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		*fds[i] = -1;
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++) {
		snprintf(path, sizeof(path), "/proc/%d/%s", proc_pid, names[i]);
		*fds[i] = open(path, (i < 2 ? O_PATH | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
		if (*fds[i] < 0) {
			r = -errno;
			goto fail;
		}
	}
	if ((r = procfs_read(proc_pid, "status", buf, sizeof(buf))) < 0 || (r = emulate_parse_status(buf, t)) < 0)
		goto fail;
	memcpy(t->host_groups, t->groups, t->n_groups * sizeof(t->groups[0]));
	t->n_host_groups = t->n_groups;
	/*
	 * Rootless with --uid, the sandbox's uid 1000 is our 65534: status
	 * says 65534, and setresuid(65534) in the sandbox's namespace would
	 * fail (or name someone else under a wider map). In our own user
	 * namespace the ids need no translation (and the maps there are
	 * shown relative to our parent, not to us).
	 */
	if (!is_own_userns(t->userns_fd)) {
		if ((r = procfs_read(proc_pid, "uid_map", uid_map, sizeof(uid_map))) < 0 ||
		    (r = procfs_read(proc_pid, "gid_map", gid_map, sizeof(gid_map))) < 0 ||
		    (r = emulate_translate_ids(uid_map, gid_map, t)) < 0)
			goto fail;
	}
	return 0;
fail:
	emulate_target_close(t);
	return r;
}

/* Are the calling process's supplementary groups exactly want[0..n)? */
static bool own_groups_are(const gid_t *want, size_t n)
{
	gid_t own[ARRAY_SIZE(((struct sj_emulate_target *)0)->host_groups)];
	int k = getgroups((int)ARRAY_SIZE(own), own);
	if (k < 0 || (size_t)k != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		bool found = false;
		for (size_t j = 0; j < n && !found; j++)
			found = own[j] == want[i];
		if (!found)
			return false;
	}
	return true;
}

/*
 * --pathname-bind run-dirs: is dir one of the run-dirs, or beneath one?
 * Walked up with "..", comparing inodes with those of the run-dir fds
 * opened at setup: a run-dir the target made up in a root of its own
 * (unshare + chroot) is another inode, and ".." stops at the root the
 * target chose, so its fake tree never reaches a real run-dir. This only
 * classifies the refusal (policy, EPERM); the Landlock rule built from the
 * same fds is what enforces it, whatever the target swaps in meanwhile.
 */
static bool beneath_run_dir(int dir, const struct stat *run, size_t n_run)
{
	_cleanup_close_ int cur = fcntl(dir, F_DUPFD_CLOEXEC, 0);
	if (cur < 0)
		return false;
	for (int depth = 0; depth < 4096; depth++) {
		struct stat st, up_st;
		if (fstat(cur, &st) < 0)
			return false;
		for (size_t i = 0; i < n_run; i++)
			if (st.st_dev == run[i].st_dev && st.st_ino == run[i].st_ino)
				return true;
		int up = openat(cur, "..", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (up < 0)
			return false;
		close(cur);
		cur = up;
		if (fstat(cur, &up_st) < 0 || (up_st.st_dev == st.st_dev && up_st.st_ino == st.st_ino))
			return false; /* the root: nothing above */
	}
	return false;
}

/* The directory a pathname socket would be created in, opened as bind() would resolve it. */
static int open_socket_dir(const struct sockaddr_un *un, int addrlen)
{
	char path[sizeof(un->sun_path) + 1];
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
	int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* What every executor of this zygote shares (set once, before the first fork). */
static struct sj_emulate_config zy_cfg;
static struct stat *zy_run_st; /* fstat() of each zy_cfg.run_dir_fds */
/*
 * The zygote's user and mount namespaces, which an executor compares with
 * the target's before joining them (the zygote never leaves its own; a
 * lookup of /proc/self/ns/ per bind cost ~10 us on the bench VM).
 */
static struct stat zy_userns, zy_mntns;
/* The CPUs the zygote may run on, restored after each executor (zy_pinned: it ran on one). */
static cpu_set_t zy_cpus;
static bool zy_cpus_known, zy_pinned;
static pid_t zy_child; /* the last executor, until reaped */

/*
 * The executor's result, in the zygote's memory: vfork() shares it, so the
 * executor stores its answer here before _exit() and the zygote reads it
 * when vfork() returns. zy_done is set last: an executor killed before it leaves
 * the -EPERM the zygote put there (fail closed).
 */
static volatile int zy_err;
static volatile bool zy_denied;
static volatile bool zy_done;

/* Per request: what the executor needs besides the target. */
struct zy_job {
	int sock;
	const void *addr;
	int addrlen;
	bool check_run_dirs;
	const int *rulesets;
	size_t n_rulesets;
	int zygote_fd;
	pid_t zygote;
	bool connect; /* --abstract-bridge: connect sock to addr, as the target, in our netns */
};

/*
 * Take on the target's identity. Every step must succeed: an executor that
 * kept one of the supervisor's groups or capabilities would bind where
 * the target could not. -EPERM when a step cannot be taken.
 */
static int become_target(const struct sj_emulate_target *t)
{
	/*
	 * Where setgroups() is denied (a user namespace whose gid_map an
	 * unprivileged process wrote), the groups cannot change: go on only
	 * if ours already are the target's (rootless: the caller's own).
	 */
	if (setgroups(t->n_groups, t->groups) < 0 && (errno != EPERM || !t->groups_match))
		return -EPERM;
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return -errno;
	if (setresgid(t->gid[0], t->gid[1], t->gid[2]) < 0 || setresuid(t->uid[0], t->uid[1], t->uid[2]) < 0)
		return -EPERM;
	/*
	 * setres[ug]id() made the fs ids the effective ones: only a target
	 * whose fs ids differ needs setfs[ug]id(), which reports no error, so
	 * the value is read back ((uid_t)-1: kept, emulate_translate_ids()).
	 */
	if (t->gid[3] != t->gid[1]) {
		setfsgid(t->gid[3]);
		if (t->gid[3] != (gid_t)-1 && (gid_t)setfsgid((gid_t)-1) != t->gid[3])
			return -EPERM;
	}
	if (t->uid[3] != t->uid[1]) {
		setfsuid(t->uid[3]);
		if (t->uid[3] != (uid_t)-1 && (uid_t)setfsuid((uid_t)-1) != t->uid[3])
			return -EPERM;
	}
	int r = caps_set(t->cap_eff, t->cap_prm, t->cap_inh);
	if (r < 0)
		return -EPERM;
	umask(t->umask);
	return 0;
}

__attribute__((noreturn)) static void executor(struct sj_emulate_target *t, const struct zy_job *j)
{
	struct sj_emulate_result res = { .err = -EPERM };
	int r;

	/*
	 * Our own copy of the zygote's socket: held by an executor stuck in a
	 * lookup, it would hide the zygote's death from the supervisor.
	 */
	close(j->zygote_fd);
	/* Never outlive the zygote; never be ptraced by what we act for. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != j->zygote ||
	    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		goto done;
	/*
	 * The target's groups, set while we are still in the supervisor's user
	 * namespace, where they are named as host_groups and where a root
	 * supervisor may set them: the target's own namespace may deny
	 * setgroups() (become_target() then checks we hold exactly these).
	 */
	if (setgroups(t->n_host_groups, t->host_groups) < 0 && errno != EPERM)
		goto fail_errno;
	t->groups_match = own_groups_are(t->host_groups, t->n_host_groups);
	if (!same_ns_as(t->userns_fd, &zy_userns) && setns(t->userns_fd, CLONE_NEWUSER) < 0)
		goto fail_errno;
	if (j->connect) {
		/*
		 * The bridge: only the ids, groups and capabilities are the
		 * target's (the server's SO_PEERCRED and its own checks see
		 * them); we stay in our netns, mounts and root, with no Landlock
		 * domain, so that the host's name is reachable at all.
		 */
		if ((r = become_target(t)) < 0) {
			res.err = r;
			goto done;
		}
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != j->zygote ||
		    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
			goto done;
		res.err = connect(j->sock, j->addr, (socklen_t)j->addrlen) < 0 ? -errno : 0;
		goto done;
	}
	/*
	 * --gate-only: the target shares our mount namespace and root, and
	 * joining or chrooting needs capabilities a container may not give
	 * (its seccomp profile may refuse setns() too). Only what is already
	 * ours is skipped; anything else is joined or fails closed.
	 */
	if (!same_ns_as(t->mntns_fd, &zy_mntns) && setns(t->mntns_fd, CLONE_NEWNS) < 0)
		goto fail_errno;
	if (fchdir(t->root_fd) < 0 || (!same_root(t->root_fd) && chroot(".") < 0) || fchdir(t->cwd_fd) < 0)
		goto fail_errno;
	if (j->check_run_dirs) {
		_cleanup_close_ int dir = open_socket_dir(j->addr, j->addrlen);
		if (dir < 0 || !beneath_run_dir(dir, zy_run_st, zy_cfg.n_run_dirs)) {
			res.denied = true;
			goto done;
		}
		fault_point("executor-checked");
	}
	if ((r = become_target(t)) < 0) {
		res.err = r;
		goto done;
	}
	if (j->check_run_dirs || j->n_rulesets > 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			goto done;
		/* The rule in the kernel, on the same inodes: a symlink swapped in now cannot move the socket. */
		if (j->check_run_dirs &&
		    landlock_restrict_make_sock(zy_cfg.landlock_abi, zy_cfg.run_dir_fds, zy_cfg.n_run_dirs) < 0)
			goto done;
		/* The target's own restrictions, as it applied them. */
		for (size_t i = 0; i < j->n_rulesets; i++)
			if (landlock_restrict_with(j->rulesets[i]) < 0)
				goto done;
	}
	/* The id changes cleared PDEATHSIG: set it again, and check the zygote did not go meanwhile. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != j->zygote ||
	    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		goto done;
	res.err = bind(j->sock, j->addr, (socklen_t)j->addrlen) < 0 ? -errno : 0;
	goto done;
fail_errno:
	res.err = -errno;
done:
	zy_err = res.err;
	zy_denied = res.denied;
	zy_done = true;
	_exit(0);
}

/* One request, supervisor → zygote; its fds travel as SCM_RIGHTS in fd_order, then the rulesets. */
struct zy_request {
	uint64_t id;
	int32_t addrlen;
	uint8_t check_run_dirs;
	uint8_t n_rulesets;
	uint8_t connect;
	_Alignas(struct sockaddr_storage) unsigned char addr[SJ_EMULATE_ADDR_MAX]; /* read as a struct sockaddr_* */
	struct sj_emulate_target t; /* the fd fields are not used: the fds come as SCM_RIGHTS */
};
enum { ZY_SOCK, ZY_ROOT, ZY_CWD, ZY_USERNS, ZY_MNTNS, ZY_NFDS };
#define ZY_MAX_FDS (ZY_NFDS + SJ_EMULATE_MAX_RULESETS)

/* One answer, zygote → supervisor. */
struct zy_answer {
	uint64_t id;
	struct sj_emulate_result res;
};

/*
 * The executor starts on the zygote's CPU, which the zygote leaves to it
 * (vfork() waits): it inherits the one CPU the zygote pins itself to here.
 * Left to itself the kernel puts a new process on the idlest CPU, and
 * waking that one and then the zygote again cost 60-150 us per bind on the
 * 2-CPU bench VM (vfork() to _exit() 90-180 us, pinned 22-25 us). Only a
 * hint: true when the zygote's CPUs must be restored (zygote_reap()).
 */
static bool pin_to_this_cpu(void)
{
	cpu_set_t one;
	int cpu = sched_getcpu();
	if (!zy_cpus_known || cpu < 0 || cpu >= CPU_SETSIZE)
		return false;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	return sched_setaffinity(0, sizeof(one), &one) == 0;
}

/*
 * vfork() the executor for one request and wait for it. vfork(): the
 * executor borrows the zygote's memory instead of copying its page tables
 * (fork() cost ~2 ms per bind on the bench VM, vfork() ~0.25 ms). executor()
 * never returns, has its own fds, cwd, root, umask and credentials (no
 * CLONE_FILES, CLONE_FS), and the mm it shares is already non-dumpable, so
 * nothing in the sandbox can ptrace its way into the zygote's memory. Only
 * the zygote is suspended meanwhile, never the supervisor.
 */
static struct sj_emulate_result run_executor(struct sj_emulate_target *t, const struct zy_job *j)
{
	zy_err = -EPERM;
	zy_denied = false;
	zy_done = false;
	zy_pinned = pin_to_this_cpu();
	pid_t child = vfork();
	if (child == 0)
		executor(t, j);
	if (child < 0)
		return (struct sj_emulate_result){ .err = -EPERM };
	/*
	 * vfork() returns once the executor has left our memory (its _exit(),
	 * or killed): its answer, if it made one, is in place. It is reaped
	 * after the answer went out (zygote_reap()).
	 */
	zy_child = child;
	if (!zy_done)
		return (struct sj_emulate_result){ .err = -EPERM };
	return (struct sj_emulate_result){ .err = zy_err, .denied = zy_denied };
}

/* After the answer: reap the executor, and give the zygote its CPUs back. */
static void zygote_reap(void)
{
	if (zy_child > 0)
		while (waitpid(zy_child, NULL, 0) < 0 && errno == EINTR)
			;
	zy_child = 0;
	if (zy_pinned)
		sched_setaffinity(0, sizeof(zy_cpus), &zy_cpus);
	zy_pinned = false;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* Close every fd but keep[0..n) (which it sorts). */
static int close_all_but(int *keep, size_t n)
{
	unsigned from = 0;
	qsort(keep, n, sizeof(keep[0]), cmp_int);
	for (size_t i = 0; i < n; i++) {
		if ((unsigned)keep[i] > from && syscall(SYS_close_range, from, (unsigned)keep[i] - 1, 0U) < 0)
			return -errno;
		from = (unsigned)keep[i] + 1;
	}
	return syscall(SYS_close_range, from, ~0U, 0U) < 0 ? -errno : 0;
}

/* The zygote's part of one request: check it, run its executor. */
static struct sj_emulate_result serve_request(const struct zy_request *rq, const int *fds, size_t nfds, int fd)
{
	struct sj_emulate_result fail = { .err = -EPERM };
	if (nfds != ZY_NFDS + (size_t)rq->n_rulesets || rq->n_rulesets > SJ_EMULATE_MAX_RULESETS ||
	    rq->addrlen < 0 || rq->addrlen > SJ_EMULATE_ADDR_MAX || rq->t.n_groups > ARRAY_SIZE(rq->t.groups) ||
	    rq->t.n_host_groups > ARRAY_SIZE(rq->t.host_groups))
		return fail;
	/* A bridged connect carries neither a run-dirs check nor rulesets (it must not take them on). */
	if (rq->connect && (rq->check_run_dirs || rq->n_rulesets))
		return fail;
	/* A run-dirs check without run-dir fds could only refuse: refuse. */
	if (rq->check_run_dirs && (!zy_cfg.run_dir_fds || rq->addrlen <= (int)offsetof(struct sockaddr_un, sun_path)))
		return (struct sj_emulate_result){ .err = -EPERM, .denied = true };
	struct sj_emulate_target t = rq->t;
	t.root_fd = fds[ZY_ROOT];
	t.cwd_fd = fds[ZY_CWD];
	t.userns_fd = fds[ZY_USERNS];
	t.mntns_fd = fds[ZY_MNTNS];
	struct zy_job j = { .sock = fds[ZY_SOCK],
			    .addr = rq->addr,
			    .addrlen = rq->addrlen,
			    .check_run_dirs = rq->check_run_dirs,
			    .rulesets = fds + ZY_NFDS,
			    .n_rulesets = rq->n_rulesets,
			    .zygote_fd = fd,
			    .zygote = getpid(),
			    .connect = rq->connect };
	return run_executor(&t, &j);
}

/*
 * The zygote: forked once by the supervisor, it serves requests one at a
 * time, so a request queues behind an executor stuck in a lookup (a dead
 * FUSE or NFS mount) while the supervisor goes on serving everything else.
 * Single-threaded, never execs, holds no fd but its socket and the
 * run-dirs' (and one request's fds at a time).
 */
__attribute__((noreturn)) static void zygote(int fd, pid_t parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != parent ||
	    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		_exit(1);
	int *keep = calloc(zy_cfg.n_run_dirs + 1, sizeof(int));
	zy_run_st = calloc(zy_cfg.n_run_dirs + 1, sizeof(*zy_run_st));
	if (!keep || !zy_run_st)
		_exit(1);
	keep[0] = fd;
	for (size_t i = 0; i < zy_cfg.n_run_dirs; i++) {
		keep[i + 1] = zy_cfg.run_dir_fds[i];
		if (fstat(zy_cfg.run_dir_fds[i], &zy_run_st[i]) < 0)
			_exit(1);
	}
	if (close_all_but(keep, zy_cfg.n_run_dirs + 1) < 0)
		_exit(1);
	free(keep);
	if (stat("/proc/self/ns/user", &zy_userns) < 0 || stat("/proc/self/ns/mnt", &zy_mntns) < 0)
		_exit(1);
	zy_cpus_known = sched_getaffinity(0, sizeof(zy_cpus), &zy_cpus) == 0;
	/* In ps: "sockjail: executor COMMAND...", and so are the executors it vforks. */
	proc_title_set("sockjail-exec", "executor");
	for (;;) {
		struct zy_request rq;
		union {
			struct cmsghdr h;
			char buf[CMSG_SPACE(ZY_MAX_FDS * sizeof(int))];
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
		int fds[ZY_MAX_FDS];
		size_t nfds = 0, extra = 0;
		for (struct cmsghdr *h = CMSG_FIRSTHDR(&m); h; h = CMSG_NXTHDR(&m, h)) {
			if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS)
				continue;
			size_t k = (h->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			for (size_t i = 0; i < k; i++) {
				int f;
				memcpy(&f, CMSG_DATA(h) + i * sizeof(int), sizeof(int));
				if (nfds < ZY_MAX_FDS)
					fds[nfds++] = f;
				else {
					close(f);
					extra++;
				}
			}
		}
		/* Without the id, the supervisor could not be answered: let it fail everything closed. */
		if (n != (ssize_t)sizeof(rq))
			_exit(1);
		struct zy_answer a = { .id = rq.id, .res = { .err = -EPERM } };
		if (!extra && !(m.msg_flags & (MSG_TRUNC | MSG_CTRUNC)))
			a.res = serve_request(&rq, fds, nfds, fd);
		/* Answer first: reaping, our CPUs and the request's fds can wait. */
		while (send(fd, &a, sizeof(a), MSG_NOSIGNAL) < 0)
			if (errno != EINTR)
				_exit(1);
		zygote_reap();
		for (size_t i = 0; i < nfds; i++)
			close(fds[i]);
	}
}

int emulate_zygote_start(const struct sj_emulate_config *cfg, pid_t *pid, int *fd)
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
	if (child == 0) {
		zy_cfg = *cfg; /* the zygote's own copy; the fd numbers are inherited */
		zygote(sv[1], parent);
	}
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

int emulate_send(int fd, const struct sj_emulate_request *q)
{
	struct zy_request rq;
	int fds[ZY_MAX_FDS];
	if (q->addrlen < 0 || q->addrlen > SJ_EMULATE_ADDR_MAX || q->n_rulesets > SJ_EMULATE_MAX_RULESETS)
		return -EINVAL;
	memset(&rq, 0, sizeof(rq));
	rq.id = q->id;
	rq.addrlen = q->addrlen;
	rq.check_run_dirs = q->check_run_dirs;
	rq.n_rulesets = (uint8_t)q->n_rulesets;
	rq.connect = q->connect;
	if (q->addrlen > 0)
		memcpy(rq.addr, q->addr, (size_t)q->addrlen);
	rq.t = *q->t;
	fds[ZY_SOCK] = q->sock;
	fds[ZY_ROOT] = q->t->root_fd;
	fds[ZY_CWD] = q->t->cwd_fd;
	fds[ZY_USERNS] = q->t->userns_fd;
	fds[ZY_MNTNS] = q->t->mntns_fd;
	for (size_t i = 0; i < q->n_rulesets; i++)
		fds[ZY_NFDS + i] = q->rulesets[i];
	size_t nfds = ZY_NFDS + q->n_rulesets;
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(fds))];
	} c;
	memset(&c, 0, sizeof(c));
	struct iovec iov = { &rq, sizeof(rq) };
	struct msghdr m = { .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = c.buf,
			    .msg_controllen = CMSG_SPACE(nfds * sizeof(int)) };
	struct cmsghdr *h = CMSG_FIRSTHDR(&m);
	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(nfds * sizeof(int));
	memcpy(CMSG_DATA(h), fds, nfds * sizeof(int));
	/* Never wait: a full queue (a stuck zygote) is the caller's to keep. */
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
