// SPDX-License-Identifier: MIT
/*
 * The bind executor and its zygote. Why a process and not a thread of the
 * supervisor with setfsuid(): a thread keeps the supervisor's
 * capabilities and user namespace, so a privileged port, a netlink group
 * or a directory the target cannot write would succeed for it. A process
 * that becomes the target (namespaces, root, cwd, ids, groups,
 * capabilities, umask) gets exactly the kernel's answer.
 *
 * The zygote, forked once by the supervisor, keeps one executor waiting
 * for the next request: it vfork()s it, and waits while the executor
 * reads a request, performs it, answers and exits; then it vforks the
 * next. So neither the zygote's wake-up nor the vfork() is between a
 * request and its bind, the executor's first steps are taken before the
 * request comes, and it opens its target's fds while the supervisor reads
 * the target's ids (together 119 -> 102 us a bind on the bench VM).
 * vfork(): the executor borrows the zygote's memory instead of copying
 * its page tables (fork() cost ~2 ms per bind on the bench VM, vfork()
 * ~0.25 ms); it has its own fds, cwd, root, umask and credentials (no
 * CLONE_FILES, CLONE_FS), and the mm it shares is already non-dumpable,
 * so nothing in the sandbox can ptrace its way into the zygote's memory.
 * Only the zygote is suspended meanwhile, never the supervisor.
 */
#include "emulate.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <poll.h>
#include <signal.h>
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
#include "emulate_wire.h"
#include "fault.h"
#include "landlock.h"
#include "proc_title.h"
#include "util.h"

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

/* What every executor of this zygote shares (set once, before the first vfork()). */
static struct sj_emulate_config zy_cfg;
static struct stat *zy_run_st; /* fstat() of each zy_cfg.run_dir_fds */
/*
 * The zygote's user and mount namespaces, which an executor compares with
 * the target's before joining them (the zygote never leaves its own; a
 * lookup of /proc/self/ns/ per bind cost ~10 us on the bench VM).
 */
static struct stat zy_userns, zy_mntns;
/*
 * The zygote's own ids and umask, which every executor starts with: a
 * target in our user namespace that has the same ones needs no
 * setres[ug]id() or umask() (each a system call, ~1 us on the bench VM).
 */
static struct {
	uid_t uid[4]; /* real, effective, saved, fs: as sj_emulate_target */
	gid_t gid[4];
	mode_t umask;
} zy_self;

/*
 * What the executor tells the zygote, in the zygote's memory (vfork()
 * shares it), read when vfork() returns: the executor has exited or was
 * killed.
 * - zy_taken: it is taking request zy_id off the socket (set before it
 *   does; one killed in between leaves the request to the next executor:
 *   still_queued()).
 * - zy_done is set after zy_err and zy_denied: an executor killed before
 *   leaves -EPERM (fail closed).
 * - zy_answered: it sent the answer itself.
 * - zy_stop >= 0: the zygote must exit with that status (0: the
 *   supervisor is gone).
 */
static volatile uint64_t zy_id;
static volatile bool zy_taken;
static volatile int zy_err;
static volatile bool zy_denied;
static volatile bool zy_done;
static volatile bool zy_answered;
static volatile int zy_stop;

/* Per request: what the executor needs besides the target. */
struct zy_job {
	/*
	 * As the supervisor sent it: r.t is NULL when the target follows
	 * (take_target()); r's fds are the executor's copies.
	 */
	struct sj_emulate_request r;
	int zygote_fd;
	pid_t zygote;
};

/*
 * The target, when the supervisor sent only its thread with the request:
 * its fds opened here, while the supervisor reads its ids, which come
 * next on the socket (the zygote waits in vfork(), so nothing else reads
 * it). The thread was alive after the opens, so its tid was still its
 * own: the fds are its. They are ours, closed when we exit.
 */
static int take_target(const struct zy_job *j, struct sj_emulate_target *t)
{
	struct zy_target m;
	int r = emulate_target_fds(j->r.tid, t);
	if (r < 0)
		return r;
	if (sys_pidfd_send_signal(j->r.pidfd, 0) < 0)
		return -ESRCH;
	ssize_t n;
	while ((n = recv(j->zygote_fd, &m, sizeof(m), 0)) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(m) || m.id != j->r.id || !m.valid ||
	    m.t.n_groups > ARRAY_SIZE(m.t.groups) || m.t.n_host_groups > ARRAY_SIZE(m.t.host_groups))
		return -EPERM;
	m.t.root_fd = t->root_fd;
	m.t.cwd_fd = t->cwd_fd;
	m.t.userns_fd = t->userns_fd;
	m.t.mntns_fd = t->mntns_fd;
	*t = m.t;
	return 0;
}

/* Our ids (still the zygote's, in its user namespace) are exactly the target's. */
static bool ids_are_ours(const struct sj_emulate_target *t)
{
	return memcmp(t->uid, zy_self.uid, sizeof(t->uid)) == 0 && memcmp(t->gid, zy_self.gid, sizeof(t->gid)) == 0;
}

/* setres[ug]id() and setfs[ug]id() to the target's ids. */
static int set_ids(const struct sj_emulate_target *t)
{
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
	return 0;
}

/*
 * Take on the target's identity. Every step must succeed: an executor that
 * kept one of the supervisor's groups or capabilities would bind where
 * the target could not. -EPERM when a step cannot be taken. own_userns:
 * we did not join another user namespace, so the target's groups and
 * ids are named as ours are, and a step that would change nothing is
 * left out (groups_set: ours are already t->groups).
 */
static int become_target(const struct sj_emulate_target *t, bool own_userns)
{
	/*
	 * Where setgroups() is denied (a user namespace whose gid_map an
	 * unprivileged process wrote), the groups cannot change: go on only
	 * if ours already are the target's (rootless: the caller's own).
	 */
	if (!(own_userns && t->groups_set) && setgroups(t->n_groups, t->groups) < 0 &&
	    (errno != EPERM || !t->groups_match))
		return -EPERM;
	if ((!own_userns || !ids_are_ours(t)) && set_ids(t) < 0)
		return -EPERM;
	int r = caps_set(t->cap_eff, t->cap_prm, t->cap_inh);
	if (r < 0)
		return -EPERM;
	if (t->umask != zy_self.umask)
		umask(t->umask);
	return 0;
}

/* Never outlive the zygote; never be ptraced by what we act for. */
static bool tied_to_zygote(pid_t zygote)
{
	return prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == 0 && getppid() == zygote &&
	       prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0;
}

/* One request, performed as its target: bind() (or the bridge's connect()). */
static struct sj_emulate_result perform(struct sj_emulate_target *t, const struct zy_job *j)
{
	struct sj_emulate_result res = { .err = -EPERM };
	int r;

	if (!j->r.t && (r = take_target(j, t)) < 0)
		return (struct sj_emulate_result){ .err = -EPERM };
	/*
	 * Our own copy of the zygote's socket: held by an executor stuck in a
	 * lookup, it would hide the zygote's death from the supervisor.
	 */
	close(j->zygote_fd);
	/*
	 * The target's groups, set while we are still in the supervisor's user
	 * namespace, where they are named as host_groups and where a root
	 * supervisor may set them: the target's own namespace may deny
	 * setgroups() (become_target() then checks we hold exactly these).
	 */
	t->groups_set = setgroups(t->n_host_groups, t->host_groups) == 0;
	if (!t->groups_set && errno != EPERM)
		goto fail_errno;
	t->groups_match = t->groups_set || own_groups_are(t->host_groups, t->n_host_groups);
	bool own_userns = same_ns_as(t->userns_fd, &zy_userns);
	if (!own_userns && setns(t->userns_fd, CLONE_NEWUSER) < 0)
		goto fail_errno;
	if (j->r.connect) {
		/*
		 * The bridge: only the ids, groups and capabilities are the
		 * target's (the server's SO_PEERCRED and its own checks see
		 * them); we stay in our netns, mounts and root, with no Landlock
		 * domain, so that the host's name is reachable at all.
		 */
		if ((r = become_target(t, own_userns)) < 0)
			return (struct sj_emulate_result){ .err = r };
		if (!tied_to_zygote(j->zygote))
			return res;
		res.err = connect(j->r.sock, j->r.addr, (socklen_t)j->r.addrlen) < 0 ? -errno : 0;
		return res;
	}
	/*
	 * --gate-only: the target shares our mount namespace and root, and
	 * joining or chrooting needs capabilities a container may not give
	 * (its seccomp profile may refuse setns() too). Only what is already
	 * ours is skipped; anything else is joined or fails closed.
	 */
	if (!same_ns_as(t->mntns_fd, &zy_mntns) && setns(t->mntns_fd, CLONE_NEWNS) < 0)
		goto fail_errno;
	/*
	 * chroot() without asking first: refused (no CAP_SYS_CHROOT), it is
	 * still right when the target's root is ours.
	 */
	if (fchdir(t->root_fd) < 0)
		goto fail_errno;
	if (chroot(".") < 0 && ((errno != EPERM && errno != ENOSYS) || !same_root(t->root_fd)))
		goto fail_errno;
	if (fchdir(t->cwd_fd) < 0)
		goto fail_errno;
	if (j->r.check_run_dirs) {
		_cleanup_close_ int dir = open_socket_dir(j->r.addr, j->r.addrlen);
		if (dir < 0 || !beneath_run_dir(dir, zy_run_st, zy_cfg.n_run_dirs)) {
			res.denied = true;
			return res;
		}
		fault_point("executor-checked");
	}
	if ((r = become_target(t, own_userns)) < 0)
		return (struct sj_emulate_result){ .err = r };
	if (j->r.check_run_dirs || j->r.n_rulesets > 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			return res;
		/* The rule in the kernel, on the same inodes: a symlink swapped in now cannot move the socket. */
		if (j->r.check_run_dirs &&
		    landlock_restrict_make_sock(zy_cfg.landlock_abi, zy_cfg.run_dir_fds, zy_cfg.n_run_dirs) < 0)
			return res;
		/* The target's own restrictions, as it applied them. */
		for (size_t i = 0; i < j->r.n_rulesets; i++)
			if (landlock_restrict_with(j->r.rulesets[i]) < 0)
				return res;
	}
	/* The id changes cleared PDEATHSIG: set it again, and check the zygote did not go meanwhile. */
	if (!tied_to_zygote(j->zygote))
		return res;
	res.err = bind(j->r.sock, j->r.addr, (socklen_t)j->r.addrlen) < 0 ? -errno : 0;
	return res;
fail_errno:
	return (struct sj_emulate_result){ .err = -errno };
}

/* A request the executor may act on: its fds and fields agree, its limits hold. */
static struct sj_emulate_result check_request(const struct zy_request *rq, size_t nfds)
{
	struct sj_emulate_result ok = { .err = 0 }, fail = { .err = -EPERM };
	size_t n_target_fds = rq->target_follows ? 1 : ZY_NFDS - ZY_ROOT;
	if (nfds != 1 + n_target_fds + rq->n_rulesets || rq->n_rulesets > SJ_EMULATE_MAX_RULESETS ||
	    rq->addrlen < 0 || rq->addrlen > SJ_EMULATE_ADDR_MAX || rq->t.n_groups > ARRAY_SIZE(rq->t.groups) ||
	    rq->t.n_host_groups > ARRAY_SIZE(rq->t.host_groups))
		return fail;
	/* A bridged connect carries neither a run-dirs check nor rulesets (it must not take them on). */
	if (rq->connect && (rq->check_run_dirs || rq->n_rulesets))
		return fail;
	/* A run-dirs check without run-dir fds could only refuse: refuse. */
	if (rq->check_run_dirs && (!zy_cfg.run_dir_fds || rq->addrlen <= (int)offsetof(struct sockaddr_un, sun_path)))
		return (struct sj_emulate_result){ .err = -EPERM, .denied = true };
	return ok;
}

/*
 * Wait for the next request and take it off the socket (its fds into
 * ours; *cut when they did not all come). A target nobody read (its
 * request was refused, or its executor died first) is passed over. -1,
 * or the status the zygote exits with.
 */
static int take_request(int fd, struct zy_request *rq, int *fds, size_t *nfds, bool *cut)
{
	for (;;) {
		uint64_t id;
		ssize_t n;
		while ((n = recv(fd, &id, sizeof(id), MSG_PEEK)) < 0 && errno == EINTR)
			;
		if (n == 0)
			return 0; /* the supervisor is gone */
		/* Without an id, the supervisor could not be answered: let it fail everything closed. */
		if (n != (ssize_t)sizeof(id))
			return 1;
		zy_id = id;
		zy_taken = true;
		fault_point("executor-taking");
		n = recv_msg_fds(fd, rq, sizeof(*rq), fds, ZY_MAX_FDS, nfds, NULL);
		*cut = n == -EBADMSG; /* its fds did not all come (and are closed): refuse it */
		if (n == (ssize_t)sizeof(*rq) || *cut) {
			rq->id = id;
			fault_point("executor-took");
			return -1;
		}
		zy_taken = false;
		if (n != (ssize_t)sizeof(struct zy_target))
			return 1;
		for (size_t i = 0; i < *nfds; i++)
			close(fds[i]);
	}
}

/* One request as taken off the socket: checked, then performed. */
static struct sj_emulate_result serve(const struct zy_request *rq, const int *fds, size_t nfds, int fd,
				      pid_t zygote)
{
	struct sj_emulate_result res = check_request(rq, nfds);
	if (res.err < 0 || res.denied)
		return res;
	size_t n_target_fds = rq->target_follows ? 1 : ZY_NFDS - ZY_ROOT;
	/* With target_follows, the target comes from take_target(). */
	struct sj_emulate_target t = rq->t;
	t.root_fd = t.cwd_fd = t.userns_fd = t.mntns_fd = -1;
	if (!rq->target_follows) {
		t.root_fd = fds[ZY_ROOT];
		t.cwd_fd = fds[ZY_CWD];
		t.userns_fd = fds[ZY_USERNS];
		t.mntns_fd = fds[ZY_MNTNS];
	}
	struct zy_job j = { .r = { .id = rq->id,
				   .t = rq->target_follows ? NULL : &t,
				   .tid = rq->tid,
				   .pidfd = rq->target_follows ? fds[ZY_PIDFD] : -1,
				   .sock = fds[ZY_SOCK],
				   .addr = rq->addr,
				   .addrlen = rq->addrlen,
				   .check_run_dirs = rq->check_run_dirs,
				   .rulesets = fds + 1 + n_target_fds,
				   .n_rulesets = rq->n_rulesets,
				   .connect = rq->connect },
			    .zygote_fd = fd,
			    .zygote = zygote };
	return perform(&t, &j);
}

/*
 * The executor: ties itself to the zygote, waits for one request,
 * performs it, answers it and exits.
 */
__attribute__((noreturn)) static void executor(int fd, int answer_fd, pid_t zygote)
{
	struct zy_request rq;
	int fds[ZY_MAX_FDS];
	size_t nfds = 0;
	bool cut = false;
	int stop = tied_to_zygote(zygote) ? take_request(fd, &rq, fds, &nfds, &cut) : 1;
	if (stop >= 0) {
		zy_stop = stop;
		_exit(0);
	}
	struct sj_emulate_result res = { .err = -EPERM };
	if (!cut)
		res = serve(&rq, fds, nfds, fd, zygote);
	zy_err = res.err;
	zy_denied = res.denied;
	zy_done = true;
	/*
	 * Answer now rather than through the zygote once we are gone: the
	 * target goes on while we exit. If this fails (or we are killed
	 * first), the zygote answers; an answer twice is harmless, the
	 * supervisor takes the first for an id and ignores the other.
	 */
	struct zy_answer a = { .id = rq.id, .res = res };
	if (send(answer_fd, &a, sizeof(a), MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t)sizeof(a))
		zy_answered = true;
	_exit(0);
}

/*
 * Is the request id still first on the socket? Its executor was killed
 * after it looked and before it took it: the next one takes it. (Its
 * target, which comes after it, has the same id but another length.)
 */
static bool still_queued(int fd, uint64_t id)
{
	uint64_t head;
	ssize_t n = recv(fd, &head, sizeof(head), MSG_PEEK | MSG_DONTWAIT | MSG_TRUNC);
	return n == (ssize_t)sizeof(struct zy_request) && head == id;
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

/*
 * The zygote: forked once by the supervisor, it serves requests one at a
 * time, so a request queues behind an executor stuck in a lookup (a dead
 * FUSE or NFS mount) while the supervisor goes on serving everything else.
 * Single-threaded, never execs, holds no fd but its sockets and the
 * run-dirs' (a request's fds are its executor's).
 */
__attribute__((noreturn)) static void zygote(int fd, int answer_fd, pid_t parent)
{
	_Static_assert(sizeof(struct zy_target) != sizeof(struct zy_request), "told apart by their size");
	pid_t self = getpid();
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != parent ||
	    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		_exit(1);
	int *keep = calloc(zy_cfg.n_run_dirs + 2, sizeof(int));
	zy_run_st = calloc(zy_cfg.n_run_dirs + 1, sizeof(*zy_run_st));
	if (!keep || !zy_run_st)
		_exit(1);
	keep[0] = fd;
	keep[1] = answer_fd;
	for (size_t i = 0; i < zy_cfg.n_run_dirs; i++) {
		keep[i + 2] = zy_cfg.run_dir_fds[i];
		if (fstat(zy_cfg.run_dir_fds[i], &zy_run_st[i]) < 0)
			_exit(1);
	}
	if (close_all_but(keep, zy_cfg.n_run_dirs + 2) < 0)
		_exit(1);
	free(keep);
	if (stat("/proc/self/ns/user", &zy_userns) < 0 || stat("/proc/self/ns/mnt", &zy_mntns) < 0)
		_exit(1);
	if (getresuid(&zy_self.uid[0], &zy_self.uid[1], &zy_self.uid[2]) < 0 ||
	    getresgid(&zy_self.gid[0], &zy_self.gid[1], &zy_self.gid[2]) < 0)
		_exit(1);
	zy_self.uid[3] = (uid_t)setfsuid((uid_t)-1);
	zy_self.gid[3] = (gid_t)setfsgid((gid_t)-1);
	zy_self.umask = umask(0);
	umask(zy_self.umask);
	/* In ps: "sockjail: executor COMMAND...", and so are the executors it vforks. */
	proc_title_set("sockjail-exec", "executor");
	for (;;) {
		zy_taken = zy_done = zy_answered = false;
		zy_err = -EPERM;
		zy_denied = false;
		zy_stop = -1;
		pid_t child = vfork();
		if (child == 0)
			executor(fd, answer_fd, self);
		/* No executor, no zygote: the supervisor fails what it sent, and starts another. */
		if (child < 0)
			_exit(1);
		if (zy_stop >= 0) {
			/* Reaped by us, not left to init, which may not reap (a container's). */
			while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
				;
			_exit(zy_stop);
		}
		if (zy_taken && !zy_answered && !still_queued(fd, zy_id)) {
			struct zy_answer a = { .id = zy_id, .res = { .err = -EPERM } };
			if (zy_done)
				a.res = (struct sj_emulate_result){ .err = zy_err, .denied = zy_denied };
			while (send(fd, &a, sizeof(a), MSG_NOSIGNAL) < 0)
				if (errno != EINTR)
					_exit(1);
		}
		while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
			;
	}
}

int emulate_zygote_start(const struct sj_emulate_config *cfg, struct sj_zygote *z)
{
	int sv[2], av[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, av) < 0) {
		int e = -errno;
		close(sv[0]);
		close(sv[1]);
		return e;
	}
	pid_t parent = getpid();
	pid_t child = fork();
	if (child < 0) {
		int e = -errno;
		int fds[] = { sv[0], sv[1], av[0], av[1] };
		for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
			close(fds[i]);
		return e;
	}
	if (child == 0) {
		zy_cfg = *cfg; /* the zygote's own copy; the fd numbers are inherited */
		zygote(sv[1], av[1], parent);
	}
	close(sv[1]);
	close(av[1]);
	*z = (struct sj_zygote){ .pid = child, .fd = sv[0], .answer_fd = av[0] };
	return 0;
}

/* Did process pid end within ms milliseconds? */
static bool ended_within(pid_t pid, int ms)
{
	_cleanup_close_ int pidfd = sys_pidfd_open(pid, 0);
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	return pidfd >= 0 && poll(&p, 1, ms) == 1;
}

void emulate_zygote_stop(struct sj_zygote *z, bool idle)
{
	if (z->fd >= 0)
		close(z->fd);
	if (z->answer_fd >= 0)
		close(z->answer_fd);
	z->fd = z->answer_fd = -1;
	if (z->pid > 0) {
		/*
		 * Idle, the zygote's executor waits on the socket just closed:
		 * it exits, and the zygote reaps it and exits. Killed at once,
		 * the zygote would leave it to init, a zombie where init does
		 * not reap. A second is far more than that takes; an executor
		 * stuck in a lookup (not idle) is killed with the zygote.
		 */
		if (!idle || !ended_within(z->pid, 1000))
			kill(z->pid, SIGKILL);
		while (waitpid(z->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	z->pid = 0;
}
