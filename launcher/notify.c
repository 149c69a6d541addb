// SPDX-License-Identifier: MIT
/*
 * The supervisor loop's bind() handling. Order per notification (design.md):
 * receive; check arch and nr; pidfd of the calling thread; ID_VALID;
 * pidfd_getfd() the socket; ask the socket (SO_DOMAIN), not memory, what it
 * is; copy exactly addrlen bytes once; ID_VALID again; decide on the copy;
 * deny, or perform the bind on the copy and answer with its result.
 */
#include "notify.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "cleanup.h"
#include "emulate.h"
#include "fault.h"
#include "landlock_track.h"
#include "learn.h"
#include "log.h"
#include "procfs.h"
#include "sockaddr.h"
#include "util.h"

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif
#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif
#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif
/*
 * Executor requests handed to the zygote at once (its socket's queue);
 * more wait in ours, up to SJ_MAX_QUEUED in all, each holding one fd
 * (the socket) and the dups of its rulesets. The listener is always
 * polled, so denials and direct binds never wait for the executor.
 */
#define SJ_MAX_IN_FLIGHT 64
#define SJ_MAX_QUEUED 256

_Static_assert(SJ_SOCKADDR_MAX <= SJ_EMULATE_ADDR_MAX, "an executor request holds any address");

/* A bind for the executor: waiting in our queue, or sent to the zygote. */
struct pending {
	uint64_t id; /* the seccomp notification's */
	struct sj_audit_event ev;
	char address[SJ_ESCAPED_MAX + 16];
	char rule[SJ_ESCAPED_MAX + 32];
	bool sent;
	/* Until sent: what the request needs (sock and rulesets are ours to close). */
	pid_t tid;
	int sock;
	bool check_run_dirs;
	int addrlen;
	unsigned char addr[SJ_SOCKADDR_MAX];
	int rulesets[SJ_EMULATE_MAX_RULESETS];
	size_t n_rulesets;
};

/*
 * ev.address and ev.rule point into the struct's own arrays, so a struct
 * pending is only ever copied with this: a plain copy would leave them
 * pointing into the source (handle()'s stack frame, or another slot).
 */
static void pending_copy(struct pending *dst, const struct pending *src)
{
	*dst = *src;
	dst->ev.address = dst->address;
	dst->ev.rule = dst->rule;
}

/* Remove pending[i], keeping the order of the others (and their pointers right). */
static void pending_remove(struct pending *v, size_t *n, size_t i)
{
	memmove(&v[i], &v[i + 1], (*n - i - 1) * sizeof(v[0]));
	(*n)--;
	for (size_t k = i; k < *n; k++) {
		v[k].ev.address = v[k].address;
		v[k].ev.rule = v[k].rule;
	}
}

/* Close what a pending request still holds (nothing, once sent). */
static void pending_release(struct pending *p)
{
	if (p->sock >= 0)
		close(p->sock);
	p->sock = -1;
	for (size_t i = 0; i < p->n_rulesets; i++)
		close(p->rulesets[i]);
	p->n_rulesets = 0;
}

struct sj_notify {
	struct sj_notify_config cfg;
	int listener;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	size_t req_size, resp_size;
	struct stat netns;
	uint64_t netns_cookie; /* SO_NETNS_COOKIE of the sandbox's netns, 0 until seen */
	bool pidfd_thread; /* the kernel has PIDFD_THREAD (6.9+) */
	/* In arrival order: the sent ones, then those still in our queue. */
	struct pending *pending;
	size_t n_pending, n_sent;
	/* landlock_restrict_self() calls seen, for the executor to replay. */
	struct sj_landlock_track landlock;
	/*
	 * The executor zygote, started on the first executor request (not
	 * before: start-up time matters) and again after it died. Its
	 * requests are served in order, one executor at a time, so a bind
	 * stuck in a lookup holds up the later executor binds (only those):
	 * the supervisor never waits for it.
	 */
	pid_t zygote;
	int zygote_fd;
};

/*
 * With --net host the sandbox's netns is our own. SIOCGSKNS needs
 * CAP_NET_ADMIN over a socket's netns, which a rootless (or nested)
 * supervisor does not have over the host's, so without this every allowed
 * abstract bind and autobind there would be refused as foreign: take the
 * netns's cookie from a socket of our own instead.
 */
static uint64_t own_netns_cookie(const struct stat *sandbox_netns)
{
	struct stat own;
	uint64_t cookie = 0;
	socklen_t len = sizeof(cookie);
	if (stat("/proc/self/ns/net", &own) < 0 || own.st_ino != sandbox_netns->st_ino ||
	    own.st_dev != sandbox_netns->st_dev)
		return 0;
	_cleanup_close_ int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0 || getsockopt(s, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len) < 0)
		return 0;
	return cookie;
}

int notify_new(const struct sj_notify_config *cfg, int listener, struct sj_notify **out)
{
	struct seccomp_notif_sizes sizes;
	char path[64];
	struct sj_notify *n = calloc(1, sizeof(*n));
	if (!n) {
		close(listener);
		for (size_t i = 0; i < cfg->n_run_dirs; i++)
			close(cfg->run_dir_fds[i]);
		free(cfg->run_dir_fds);
		return -ENOMEM;
	}
	n->cfg = *cfg;
	n->listener = listener;
	n->zygote_fd = -1;
	n->pidfd_thread = true;
	landlock_track_init(&n->landlock, getpid(), cfg->sandbox_pid,
			    cfg->s->pid == SJ_PID_HOST ? cfg->sandbox_pid : cfg->command_pid);
	if (!(n->pending = calloc(SJ_MAX_QUEUED, sizeof(*n->pending))))
		goto fail;
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
		goto fail;
	/* The kernel may know a larger structure than our headers. */
	n->req_size = sizes.seccomp_notif > sizeof(*n->req) ? sizes.seccomp_notif : sizeof(*n->req);
	n->resp_size = sizes.seccomp_notif_resp > sizeof(*n->resp) ? sizes.seccomp_notif_resp : sizeof(*n->resp);
	n->req = calloc(1, n->req_size);
	n->resp = calloc(1, n->resp_size);
	if (!n->req || !n->resp)
		goto fail;
	if (cfg->netns) {
		n->netns = *cfg->netns;
	} else {
		snprintf(path, sizeof(path), "/proc/%d/ns/net", procfs_pid(cfg->sandbox_pid));
		if (stat(path, &n->netns) < 0)
			goto fail;
	}
	n->netns_cookie = own_netns_cookie(&n->netns);
	/*
	 * Wake the target on the supervisor's CPU when we answer (6.6+): a
	 * round trip drops from ~30 us to a few. Older kernels: not needed.
	 */
	ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
	*out = n;
	return 0;
fail:;
	int e = errno ? -errno : -ENOMEM;
	notify_free(n);
	return e;
}

void notify_free(struct sj_notify *n)
{
	if (!n)
		return;
	/* Pending binds stay unanswered: closing the listener fails them (ENOSYS). */
	emulate_zygote_stop(&n->zygote, &n->zygote_fd);
	for (size_t i = 0; i < n->n_pending; i++)
		pending_release(&n->pending[i]);
	free(n->pending);
	landlock_track_free(&n->landlock);
	for (size_t i = 0; i < n->cfg.n_run_dirs; i++)
		close(n->cfg.run_dir_fds[i]);
	free(n->cfg.run_dir_fds);
	if (n->listener >= 0)
		close(n->listener);
	free(n->req);
	free(n->resp);
	free(n);
}


size_t notify_pollfds(struct sj_notify *n, struct pollfd *pfds, size_t max)
{
	size_t k = 0;
	/* Always: what waits for the executor waits in our queue, not the kernel's. */
	if (max > 0)
		pfds[k++] = (struct pollfd){ .fd = n->listener, .events = POLLIN };
	if (n->zygote_fd >= 0 && k < max)
		pfds[k++] = (struct pollfd){ .fd = n->zygote_fd, .events = POLLIN };
	return k;
}

static bool id_valid(struct sj_notify *n, uint64_t id)
{
	return ioctl(n->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

static void respond(struct sj_notify *n, uint64_t id, int err)
{
	memset(n->resp, 0, n->resp_size);
	n->resp->id = id;
	n->resp->error = err;
	n->resp->val = 0;
	n->resp->flags = 0; /* never SECCOMP_USER_NOTIF_FLAG_CONTINUE */
	/* ENOENT: the target died or was interrupted; nothing is waiting. */
	ioctl(n->listener, SECCOMP_IOCTL_NOTIF_SEND, n->resp);
}

/*
 * --learn: the observed calls go on unchanged. Never used for bind(): the
 * kernel would re-read memory the sandbox can still change.
 */
static void respond_continue(struct sj_notify *n, uint64_t id)
{
	memset(n->resp, 0, n->resp_size);
	n->resp->id = id;
	n->resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	ioctl(n->listener, SECCOMP_IOCTL_NOTIF_SEND, n->resp);
}

/* Record path (as the target named it) if it lies under /run. */
static void learn_run_path(struct sj_notify *n, pid_t tid, struct sj_strv *into, const unsigned char *name,
			   size_t len)
{
	char path[PATH_MAX], cwd[PATH_MAX], link[64];
	if (len == 0 || len >= sizeof(path) / 2)
		return;
	if (name[0] == '/') {
		memcpy(path, name, len);
		path[len] = '\0';
	} else {
		snprintf(link, sizeof(link), "/proc/%d/cwd", procfs_pid(tid));
		ssize_t l = readlink(link, cwd, sizeof(cwd) / 2 - 1);
		if (l <= 0)
			return;
		cwd[l] = '\0';
		int w = snprintf(path, sizeof(path), "%s/%.*s", strcmp(cwd, "/") ? cwd : "", (int)len,
				 (const char *)name);
		if (w < 0 || (size_t)w >= sizeof(path))
			return;
	}
	if (path_is_under(path, "/run") && strcmp(path, "/run") != 0 && !strstr(path, "/../") && !strstr(path, "/./"))
		learn_add(into, path);
}

/* --learn: the AF_UNIX pathname a connect(), sendto() or sendmsg() names. */
static void learn_observe(struct sj_notify *n, const struct seccomp_notif *req)
{
	pid_t tid = (pid_t)req->pid;
	uint64_t uaddr = 0, ulen = 0;
	unsigned char buf[sizeof(struct sockaddr_un)];

	if (req->data.nr == SYS_connect) {
		uaddr = req->data.args[1];
		ulen = (uint32_t)req->data.args[2];
	} else if (req->data.nr == SYS_sendto) {
		uaddr = req->data.args[4];
		ulen = (uint32_t)req->data.args[5];
	} else {
		struct msghdr m;
		struct iovec local = { &m, sizeof(m) };
		struct iovec remote = { (void *)(uintptr_t)req->data.args[1], sizeof(m) };
		if (process_vm_readv(tid, &local, 1, &remote, 1, 0) != (ssize_t)sizeof(m))
			return;
		uaddr = (uint64_t)(uintptr_t)m.msg_name;
		ulen = m.msg_namelen;
	}
	if (!uaddr || ulen <= offsetof(struct sockaddr_un, sun_path) || ulen > sizeof(buf))
		return;
	struct iovec local = { buf, (size_t)ulen };
	struct iovec remote = { (void *)(uintptr_t)uaddr, (size_t)ulen };
	if (process_vm_readv(tid, &local, 1, &remote, 1, 0) != (ssize_t)ulen)
		return;
	const struct sockaddr_un *un = (const struct sockaddr_un *)buf;
	size_t max = (size_t)ulen - offsetof(struct sockaddr_un, sun_path);
	if (un->sun_family != AF_UNIX || un->sun_path[0] == '\0')
		return;
	learn_run_path(n, tid, &n->cfg.learned->connects, (const unsigned char *)un->sun_path,
		       strnlen(un->sun_path, max));
}

static void read_comm(pid_t tid, char *buf, size_t len);

static void record(struct sj_notify *n, struct sj_audit_event *ev)
{
	char line[2 * SJ_ESCAPED_MAX + 512], comm[17];
	bool deny_line = ev->verdict == SJ_VERDICT_DENY && !n->cfg.s->quiet;

	if (!deny_line && !n->cfg.audit)
		return;
	/*
	 * The target's comm is read only when a line is written: it costs
	 * three syscalls (~3 us of a ~30 us round trip on the bench machine).
	 * The target still waits for our answer, so its tid is still its own.
	 */
	read_comm(ev->pid, comm, sizeof(comm));
	ev->comm = comm;
	clock_gettime(CLOCK_REALTIME, &ev->ts);
	if (deny_line) {
		audit_format_denial(line, sizeof(line), ev);
		log_error("%s", line);
	}
	if (n->cfg.audit) {
		audit_format_json(line, sizeof(line), ev);
		fprintf(n->cfg.audit, "%s\n", line);
		fflush(n->cfg.audit);
	}
	ev->comm = "?"; /* comm[] ends here */
}

static void read_comm(pid_t tid, char *buf, size_t len)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/comm", procfs_pid(tid));
	snprintf(buf, len, "?");
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t r = read(fd, buf, len - 1);
	if (r <= 0)
		return;
	buf[r] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/* Is the socket in the sandbox's network namespace (not one passed in from the host)? */
static bool socket_in_sandbox_netns(struct sj_notify *n, int sock)
{
	/*
	 * A netns's cookie is never reused (5.14+), so once one socket was
	 * found in the sandbox's netns, one getsockopt() answers for every
	 * later one, instead of SIOCGSKNS, fstat() and close().
	 */
	uint64_t cookie = 0;
	socklen_t len = sizeof(cookie);
	bool have_cookie = getsockopt(sock, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len) == 0;
	if (have_cookie && n->netns_cookie != 0 && cookie == n->netns_cookie)
		return true;

	_cleanup_close_ int ns = ioctl(sock, SIOCGSKNS);
	struct stat st;
	if (ns < 0 || fstat(ns, &st) < 0)
		return false;
	if (st.st_ino != n->netns.st_ino || st.st_dev != n->netns.st_dev)
		return false;
	if (have_cookie)
		n->netns_cookie = cookie;
	return true;
}

static void format_inet(const void *buf, int len, char *out, size_t outlen)
{
	const struct sockaddr *sa = buf;
	char a[64] = "?";
	if (len >= (int)sizeof(struct sockaddr_in) && sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = buf;
		const unsigned char *b = (const unsigned char *)&in->sin_addr;
		snprintf(out, outlen, "%u.%u.%u.%u:%u", b[0], b[1], b[2], b[3], ntohs(in->sin_port));
		return;
	}
	if (len >= (int)sizeof(struct sockaddr_in6) && sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = buf;
		const unsigned char *b = in6->sin6_addr.s6_addr;
		int k = 0;
		for (int i = 0; i < 16; i += 2)
			k += snprintf(a + k, sizeof(a) - (size_t)k, "%s%x", i ? ":" : "", (b[i] << 8) | b[i + 1]);
		snprintf(out, outlen, "[%s]:%u", a, ntohs(in6->sin6_port));
		return;
	}
	snprintf(out, outlen, "family %d", len >= 2 ? sa->sa_family : -1);
}

static const char *kind_name(enum sj_addr_kind k)
{
	switch (k) {
	case SJ_ADDR_AUTOBIND:
		return "autobind";
	case SJ_ADDR_ABSTRACT:
		return "abstract";
	case SJ_ADDR_PATHNAME:
		return "pathname";
	case SJ_ADDR_INET:
		return "inet";
	case SJ_ADDR_OTHER:
		return "other";
	case SJ_ADDR_INVALID:
		break;
	}
	return "invalid";
}

static bool finish_pending(struct sj_notify *n, size_t i, struct sj_emulate_result res);

/*
 * The zygote is gone (EOF, or it could not be talked to): every bind it
 * had in hand fails closed with EPERM; those still in our queue wait for
 * the next one. Returns true when --on-deny kill asks for the sandbox to
 * die (never, as no result says denied; kept for the shape of
 * finish_pending()).
 */
static bool zygote_lost(struct sj_notify *n)
{
	bool kill_sandbox = false;
	emulate_zygote_stop(&n->zygote, &n->zygote_fd);
	while (n->n_sent > 0)
		if (finish_pending(n, n->n_sent - 1, (struct sj_emulate_result){ .err = -EPERM }))
			kill_sandbox = true;
	return kill_sandbox;
}

/*
 * Hand p to the zygote, starting one if there is none. The target's
 * identity is read now, not when it was queued: it is still blocked in
 * bind(), so its ids, groups and capabilities are the ones it called with.
 * 0, -EAGAIN (the zygote's queue is full: keep it in ours), -EPIPE or
 * -ECONNRESET (the zygote died), or another negative errno (refuse it).
 */
static int send_one(struct sj_notify *n, struct pending *p)
{
	struct sj_emulate_target t;
	int r = emulate_target_open(p->tid, &t);
	if (r < 0)
		return r;
	if (!id_valid(n, p->id)) {
		emulate_target_close(&t);
		return -ESRCH;
	}
	struct sj_emulate_request rq = { .id = p->id,
					 .t = &t,
					 .sock = p->sock,
					 .addr = p->addr,
					 .addrlen = p->addrlen,
					 .check_run_dirs = p->check_run_dirs,
					 .rulesets = p->rulesets,
					 .n_rulesets = p->n_rulesets };
	if (n->zygote_fd < 0) {
		struct sj_emulate_config zc = { .landlock_abi = n->cfg.landlock_abi,
						.run_dir_fds = n->cfg.run_dir_fds,
						.n_run_dirs = n->cfg.n_run_dirs };
		r = emulate_zygote_start(&zc, &n->zygote, &n->zygote_fd);
	}
	if (r == 0)
		r = emulate_send(n->zygote_fd, &rq);
	/* The zygote has its own copies now (in flight, or received). */
	emulate_target_close(&t);
	return r;
}

/*
 * Send queued requests while the zygote takes them. Returns true when a
 * refusal asks for the sandbox to die (--on-deny kill).
 */
static bool pump_queue(struct sj_notify *n)
{
	bool kill_sandbox = false;
	while (n->n_sent < n->n_pending && n->n_sent < SJ_MAX_IN_FLIGHT) {
		struct pending *p = &n->pending[n->n_sent];
		int r = send_one(n, p);
		if (r == -EPIPE || r == -ECONNRESET) {
			/* Died since we last polled it: fail its binds, and try once with a new one. */
			if (zygote_lost(n))
				kill_sandbox = true;
			p = &n->pending[n->n_sent];
			r = send_one(n, p);
		}
		if (r == -EAGAIN)
			break;
		if (r < 0) {
			/* Gone (ESRCH: nothing waits), or we could not see it: refuse (fail closed). */
			if (r != -ESRCH)
				respond(n, p->id, -EPERM);
			pending_release(p);
			pending_remove(n->pending, &n->n_pending, n->n_sent);
			continue;
		}
		pending_release(p);
		p->sent = true;
		n->n_sent++;
	}
	return kill_sandbox;
}

/*
 * landlock_restrict_self(): keep a duplicate of the ruleset, so that binds
 * performed for this process (and its descendants) carry its rules, then
 * let the call go on (CONTINUE: the kernel reads the fd number again; a
 * program that swaps another ruleset in meanwhile only fools its own
 * restriction, which it was free not to make).
 */
static void observe_landlock(struct sj_notify *n, const struct seccomp_notif *req)
{
	uint64_t id = req->id;
	pid_t tid = (pid_t)req->pid;
	int fd = (int)(uint32_t)req->data.args[0];
	char path[64], link[64];

	/* ruleset_fd -1 with only logging flags (ABI 7): no new domain. */
	if (fd == -1) {
		respond_continue(n, id);
		return;
	}
	_cleanup_close_ int thread = sys_pidfd_open(tid, n->pidfd_thread ? PIDFD_THREAD : 0);
	if (thread < 0 || !id_valid(n, id)) {
		respond(n, id, -EPERM);
		return;
	}
	_cleanup_close_ int rs = sys_pidfd_getfd(thread, fd);
	if (rs == -EBADF) {
		respond(n, id, -EBADF);
		return;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", rs);
	ssize_t l = rs < 0 ? -1 : readlink(path, link, sizeof(link) - 1);
	if (l < 0) {
		respond(n, id, -EPERM);
		return;
	}
	link[l] = '\0';
	/* What the kernel answers for any other fd: no domain comes of it. */
	if (strcmp(link, "anon_inode:[landlock-ruleset]") != 0) {
		respond(n, id, -EBADFD);
		return;
	}
	if (!id_valid(n, id)) {
		respond(n, id, -EPERM);
		return;
	}
	/* Untracked, the restriction would not apply to binds we make: refuse it instead (a full table). */
	if (landlock_track_add(&n->landlock, tid, TAKE_FD(rs)) < 0) {
		respond(n, id, -EPERM);
		return;
	}
	respond_continue(n, id);
}

/* One bind() call as received: the decision works on these copies only. */
struct bind_call {
	uint64_t id;
	pid_t tid;
	int pidfd, sock; /* the target's thread; our copy of its socket */
	int domain;	 /* SO_DOMAIN of sock */
	int addrlen;
	unsigned char buf[SJ_SOCKADDR_MAX];
};

/*
 * Intake: pidfd of the calling thread, ID_VALID, pidfd_getfd() the socket,
 * ask the socket (SO_DOMAIN), copy exactly addrlen bytes once, ID_VALID
 * again. Returns 0 with c filled, or 1 when the call was answered here
 * (or needs no answer).
 */
static int bind_intake(struct sj_notify *n, const struct seccomp_notif *req, struct bind_call *c)
{
	socklen_t dlen = sizeof(c->domain);
	c->id = req->id;
	c->tid = (pid_t)req->pid;
	/* The kernel reads fd and addrlen as int: the upper 32 bits are ignored. */
	int fd = (int)(uint32_t)req->data.args[0];
	uint64_t uaddr = req->data.args[1];
	c->addrlen = (int)(uint32_t)req->data.args[2];

	if (n->pidfd_thread) {
		c->pidfd = sys_pidfd_open(c->tid, PIDFD_THREAD);
		if (c->pidfd == -EINVAL)
			n->pidfd_thread = false;
	}
	if (!n->pidfd_thread)
		c->pidfd = sys_pidfd_open(c->tid, 0);
	if (c->pidfd < 0 || !id_valid(n, c->id))
		goto deny_silently;
	c->sock = sys_pidfd_getfd(c->pidfd, fd);
	if (c->sock == -EBADF) {
		/* The kernel checks the fd before the address. */
		respond(n, c->id, -EBADF);
		return 1;
	}
	if (c->sock < 0)
		goto deny_silently;
	if (getsockopt(c->sock, SOL_SOCKET, SO_DOMAIN, &c->domain, &dlen) < 0) {
		/*
		 * ENOTSOCK: not a socket. EBADF: an O_PATH fd, which
		 * pidfd_getfd() copies but bind()'s own fd lookup never sees.
		 */
		respond(n, c->id, errno == ENOTSOCK || errno == EBADF ? -errno : -EPERM);
		return 1;
	}

	/* move_addr_to_kernel(): length first, then one copy. */
	if (c->addrlen < 0 || c->addrlen > SJ_SOCKADDR_MAX) {
		respond(n, c->id, -EINVAL);
		return 1;
	}
	if (c->addrlen > 0) {
		struct iovec local = { c->buf, (size_t)c->addrlen };
		struct iovec remote = { (void *)(uintptr_t)uaddr, (size_t)c->addrlen };
		ssize_t got = process_vm_readv(c->tid, &local, 1, &remote, 1, 0);
		if (got != c->addrlen) {
			/* Unreadable (EFAULT), or we may not read it: fail closed either way. */
			bool fault = got >= 0 || errno == EFAULT;
			if (id_valid(n, c->id))
				respond(n, c->id, fault ? -EFAULT : -EPERM);
			return 1;
		}
	}
	fault_point("after-copy");
	/* The memory we read belonged to the target, not to a recycled tid. */
	if (!id_valid(n, c->id))
		return 1;
	return 0;

deny_silently:
	/* We could not see what the target asked for: refuse (fail closed). */
	respond(n, c->id, -EPERM);
	return 1;
}

/* Where the decision sends a bind. */
enum bind_route {
	ROUTE_INVALID,	/* the kernel would refuse the address itself: answer route_err */
	ROUTE_DENY,	/* the policy refuses it */
	ROUTE_DIRECT,	/* allowed, and no permission check applies: the supervisor binds */
	ROUTE_EXECUTOR, /* allowed, as far as the kernel lets the target: the executor binds */
};

/*
 * Decision, on the copies only: the policy's verdict (settings + address)
 * and where an allowed bind is performed. Fills p's event and rule; sets
 * *invalid_err for ROUTE_INVALID.
 */
static enum bind_route bind_decide(struct sj_notify *n, const struct bind_call *c, struct pending *p,
				   int *invalid_err)
{
	const struct sj_settings *s = n->cfg.s;
	struct sj_addr a;
	enum bind_route route = ROUTE_EXECUTOR;

	enum sj_addr_kind kind = sockaddr_classify(c->domain, c->addrlen > 0 ? c->buf : NULL, c->addrlen, &a);
	p->ev.kind = kind_name(kind);
	switch (kind) {
	case SJ_ADDR_INVALID:
		*invalid_err = a.err;
		return ROUTE_INVALID;
	case SJ_ADDR_AUTOBIND:
		snprintf(p->address, sizeof(p->address), "@");
		snprintf(p->rule, sizeof(p->rule), "autobind %s", s->autobind == SJ_AUTOBIND_ALLOW ? "allow" : "deny");
		p->ev.verdict = s->autobind == SJ_AUTOBIND_ALLOW ? SJ_VERDICT_ALLOW : SJ_VERDICT_DENY;
		route = ROUTE_DIRECT;
		break;
	case SJ_ADDR_ABSTRACT: {
		sockaddr_escape(a.name, a.name_len, p->address, sizeof(p->address));
		int m = sockaddr_match_abstract(a.name, a.name_len, s->abstract_allow.v, s->abstract_allow.n);
		if (m >= 0) {
			snprintf(p->rule, sizeof(p->rule), "abstract-allow %s", s->abstract_allow.v[m]);
			p->ev.verdict = SJ_VERDICT_ALLOW;
		} else {
			static const char *const words[] = { "deny", "allow", "log" };
			snprintf(p->rule, sizeof(p->rule), "abstract %s", words[s->abstract]);
			p->ev.verdict = s->abstract == SJ_ABSTRACT_DENY	   ? SJ_VERDICT_DENY
					: s->abstract == SJ_ABSTRACT_ALLOW ? SJ_VERDICT_ALLOW
									   : SJ_VERDICT_LOG;
			if (p->ev.verdict == SJ_VERDICT_LOG && n->cfg.learned)
				learn_add(&n->cfg.learned->abstract, p->address);
		}
		route = ROUTE_DIRECT;
		break;
	}
	case SJ_ADDR_PATHNAME:
		sockaddr_escape(a.name, a.name_len, p->address, sizeof(p->address));
		if (n->cfg.learned)
			learn_run_path(n, c->tid, &n->cfg.learned->binds, a.name, a.name_len);
		p->check_run_dirs = s->pathname_bind == SJ_PATHNAME_BIND_RUN_DIRS;
		snprintf(p->rule, sizeof(p->rule), "pathname-bind %s", p->check_run_dirs ? "run-dirs" : "any");
		p->ev.verdict = SJ_VERDICT_ALLOW;
		break;
	case SJ_ADDR_INET:
		format_inet(c->buf, c->addrlen, p->address, sizeof(p->address));
		snprintf(p->rule, sizeof(p->rule), "inet");
		p->ev.verdict = SJ_VERDICT_ALLOW;
		/*
		 * No permission check applies to an unprivileged port, so the
		 * supervisor may bind it itself; privileged ones go through the
		 * executor with the target's capabilities.
		 */
		if (a.port == 0 ||
		    (a.port >= n->cfg.unpriv_port_start && !(s->cap_keep & (UINT64_C(1) << 12 /* CAP_NET_ADMIN */))))
			route = ROUTE_DIRECT;
		break;
	case SJ_ADDR_OTHER:
		snprintf(p->address, sizeof(p->address), "family %d", c->domain);
		snprintf(p->rule, sizeof(p->rule), "other");
		p->ev.verdict = SJ_VERDICT_ALLOW;
		break;
	}
	if (p->ev.verdict == SJ_VERDICT_DENY)
		return ROUTE_DENY;
	/* An abstract name lands in the socket's netns: it must be the sandbox's. */
	if ((kind == SJ_ADDR_ABSTRACT || kind == SJ_ADDR_AUTOBIND) && !socket_in_sandbox_netns(n, c->sock)) {
		p->ev.verdict = SJ_VERDICT_DENY;
		snprintf(p->rule, sizeof(p->rule), "foreign network namespace");
		return ROUTE_DENY;
	}
	return route;
}

/* Record and refuse; 1 when --on-deny kill asks for the sandbox to die (no answer then). */
static int perform_deny(struct sj_notify *n, uint64_t id, struct pending *p)
{
	record(n, &p->ev);
	if (n->cfg.s->on_deny == SJ_ON_DENY_KILL)
		return 1; /* no answer: the target dies inside bind() */
	respond(n, id, -EPERM);
	return 0;
}

/* Queue an executor bind (taking p's fds); 1 when --on-deny kill asks for the sandbox to die. */
static int perform_executor(struct sj_notify *n, struct pending *p)
{
	if (n->n_pending == SJ_MAX_QUEUED) {
		/* Fail closed rather than hold more fds: the queue is full of stuck binds. */
		pending_release(p);
		snprintf(p->rule, sizeof(p->rule), "executor queue full");
		p->ev.verdict = SJ_VERDICT_DENY;
		record(n, &p->ev);
		respond(n, p->id, -EPERM);
		return 0;
	}
	pending_copy(&n->pending[n->n_pending++], p);
	return pump_queue(n) ? 1 : 0;
}

/*
 * One bind() notification: intake, decision, then performing it. Returns 1
 * when --on-deny kill asks for the sandbox to die, else 0. Every path
 * answers the notification exactly once (directly, or later when the
 * executor reports).
 */
static int handle_bind(struct sj_notify *n, const struct seccomp_notif *req)
{
	struct bind_call c = { .pidfd = -1, .sock = -1 };
	struct pending p = { .sock = -1 };
	int invalid_err = -EINVAL, err;

	p.ev = (struct sj_audit_event){ .pid = (pid_t)req->pid, .comm = "?", .syscall = "bind", .family = -1,
					.address = p.address, .rule = p.rule };
	int r = bind_intake(n, req, &c);
	_cleanup_close_ int pidfd = c.pidfd, sock = c.sock;
	if (r != 0)
		return 0;
	p.ev.family = c.domain;

	switch (bind_decide(n, &c, &p, &invalid_err)) {
	case ROUTE_INVALID:
		respond(n, c.id, invalid_err);
		return 0;
	case ROUTE_DENY:
		return perform_deny(n, c.id, &p);
	case ROUTE_DIRECT:
		/* A process that restricted itself with Landlock never gets the direct bind. */
		if (n->landlock.n == 0 || landlock_track_lookup(&n->landlock, c.tid, p.rulesets, 0) == 0) {
			err = bind(sock, (const struct sockaddr *)c.buf, (socklen_t)c.addrlen) < 0 ? -errno : 0;
			record(n, &p.ev);
			respond(n, c.id, err);
			return 0;
		}
		break;
	case ROUTE_EXECUTOR:
		break;
	}

	/* Its Landlock rulesets (and its ancestors') go with the bind, to the executor. */
	r = landlock_track_lookup(&n->landlock, c.tid, p.rulesets, ARRAY_SIZE(p.rulesets));
	for (int i = 0; i < r; i++) {
		p.rulesets[i] = fcntl(p.rulesets[i], F_DUPFD_CLOEXEC, 3);
		if (p.rulesets[i] < 0) {
			p.n_rulesets = (size_t)i;
			r = -EMFILE;
			break;
		}
		p.n_rulesets = (size_t)i + 1;
	}
	if (r < 0 || !id_valid(n, c.id)) {
		/* Too many layers, or a lineage we cannot read: fail closed. */
		pending_release(&p);
		respond(n, c.id, -EPERM);
		return 0;
	}
	p.id = c.id;
	p.tid = c.tid;
	p.sock = TAKE_FD(sock);
	p.addrlen = c.addrlen;
	memcpy(p.addr, c.buf, (size_t)c.addrlen);
	return perform_executor(n, &p);
}

/* One notification off the listener. Returns 1 for --on-deny kill, else 0, or -errno. */
static int handle(struct sj_notify *n)
{
	struct seccomp_notif *req = n->req;

	memset(req, 0, n->req_size);
	if (ioctl(n->listener, SECCOMP_IOCTL_NOTIF_RECV, req) < 0) {
		/* ENOENT: the target was killed before we read it. */
		if (errno == ENOENT || errno == EINTR)
			return 0;
		return -errno;
	}
	if (n->cfg.learned && req->data.arch == AUDIT_ARCH_X86_64 &&
	    (req->data.nr == SYS_connect || req->data.nr == SYS_sendto || req->data.nr == SYS_sendmsg)) {
		learn_observe(n, req);
		respond_continue(n, req->id);
		return 0;
	}
	if (req->data.arch == AUDIT_ARCH_X86_64 && req->data.nr == SYS_landlock_restrict_self) {
		observe_landlock(n, req);
		return 0;
	}
	/* The filter only notifies bind() on x86_64; anything else is a bug: refuse. */
	if (req->data.arch != AUDIT_ARCH_X86_64 || req->data.nr != SYS_bind) {
		respond(n, req->id, -ENOSYS);
		return 0;
	}
	return handle_bind(n, req);
}

/* The executor's answer for pending[i] (a sent one): record, answer, free the slot. */
static bool finish_pending(struct sj_notify *n, size_t i, struct sj_emulate_result res)
{
	bool kill_sandbox = false;
	struct pending *p = &n->pending[i];
	if (res.denied) {
		p->ev.verdict = SJ_VERDICT_DENY;
		kill_sandbox = n->cfg.s->on_deny == SJ_ON_DENY_KILL;
	}
	record(n, &p->ev);
	if (!kill_sandbox)
		respond(n, p->id, res.err);
	pending_release(p);
	/* Keep the order: the sent ones first, then our queue, oldest first. */
	pending_remove(n->pending, &n->n_pending, i);
	n->n_sent--;
	return kill_sandbox;
}

int notify_dispatch(struct sj_notify *n, const struct pollfd *pfds, size_t npfds)
{
	int ret = 0;
	/*
	 * The zygote's answers first, while its fd is still the one polled
	 * (handle() may start a new zygote, which could get the same number).
	 */
	for (size_t k = 0; k < npfds; k++) {
		if (n->zygote_fd < 0 || pfds[k].fd != n->zygote_fd || !pfds[k].revents)
			continue;
		for (;;) {
			uint64_t id;
			struct sj_emulate_result res;
			int r = emulate_recv(n->zygote_fd, &id, &res);
			if (r == 0)
				break;
			if (r < 0) {
				if (zygote_lost(n))
					ret = 1;
				break;
			}
			for (size_t i = 0; i < n->n_sent; i++)
				if (n->pending[i].id == id) {
					if (finish_pending(n, i, res))
						ret = 1;
					break;
				}
		}
		/* Room in the zygote's queue again (or a new zygote to start). */
		if (pump_queue(n))
			ret = 1;
		break;
	}
	for (size_t k = 0; k < npfds; k++) {
		if (pfds[k].fd != n->listener || !pfds[k].revents)
			continue;
		if (pfds[k].revents & POLLIN) {
			int r = handle(n);
			if (r < 0)
				return r;
			if (r > 0)
				ret = 1;
		} else if (pfds[k].revents & (POLLHUP | POLLERR)) {
			/* Every filtered process is gone. */
			return -EPIPE;
		}
	}
	return ret;
}
