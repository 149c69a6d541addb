// SPDX-License-Identifier: MIT
/*
 * Performing the decision and answering the notification: refusal, the
 * direct bind on the supervisor's own copies, and the queue of requests
 * for the executor zygote (answered when it reports).
 */
#include "notify_perform.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "fault.h"
#include "log.h"
#include "notify_intake.h"
#include "procfs.h"
#include "util.h"

void respond(struct sj_notify *n, uint64_t id, int err)
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
 * --learn, and connects that are not bridged: the call goes on unchanged.
 * Never used for bind(): the kernel would re-read memory the sandbox can
 * still change.
 */
void respond_continue(struct sj_notify *n, uint64_t id)
{
	memset(n->resp, 0, n->resp_size);
	n->resp->id = id;
	n->resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	ioctl(n->listener, SECCOMP_IOCTL_NOTIF_SEND, n->resp);
}

static void read_comm(pid_t tid, char *buf, size_t len)
{
	if (procfs_read(procfs_pid(tid), "comm", buf, len) <= 0)
		snprintf(buf, len, "?");
	buf[strcspn(buf, "\n")] = '\0';
}

static void write_record(struct sj_notify *n, struct sj_audit_event *ev, bool stderr_line)
{
	char line[2 * SJ_ESCAPED_MAX + 512], comm[17];
	bool deny_line = stderr_line && ev->verdict == SJ_VERDICT_DENY && !n->cfg.s->quiet;

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

void record(struct sj_notify *n, struct sj_audit_event *ev)
{
	write_record(n, ev, true);
}

void record_audit(struct sj_notify *n, struct sj_audit_event *ev)
{
	write_record(n, ev, false);
}

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

/* After v[from..n) moved: their events point into their own arrays again. */
static void pending_repoint(struct pending *v, size_t from, size_t n)
{
	for (size_t k = from; k < n; k++) {
		v[k].ev.address = v[k].address;
		v[k].ev.rule = v[k].rule;
	}
}

/* Remove pending[i], keeping the order of the others (and their pointers right). */
static void pending_remove(struct pending *v, size_t *n, size_t i)
{
	memmove(&v[i], &v[i + 1], (*n - i - 1) * sizeof(v[0]));
	(*n)--;
	pending_repoint(v, i, *n);
}

/*
 * Room for one more request. The queue grows as the executor is used
 * (most sandboxes never use it): 256 entries up front cost a 312 KiB
 * mmap() and munmap() in every start-up.
 */
static int pending_reserve(struct sj_notify *n)
{
	if (n->n_pending < n->pending_cap)
		return 0;
	size_t cap = n->pending_cap ? n->pending_cap * 2 : 8;
	if (cap > SJ_MAX_QUEUED)
		cap = SJ_MAX_QUEUED;
	struct pending *v = realloc(n->pending, cap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	pending_repoint(v, 0, n->n_pending);
	n->pending = v;
	n->pending_cap = cap;
	return 0;
}

void pending_release(struct pending *p)
{
	if (p->sock >= 0)
		close(p->sock);
	p->sock = -1;
	for (size_t i = 0; i < p->n_rulesets; i++)
		close(p->rulesets[i]);
	p->n_rulesets = 0;
}

/* The bridged socket, kept until the answer (closed with the request). */
static void pending_release_bridged(struct pending *p)
{
	if (p->bridge && p->bridged >= 0)
		close(p->bridged);
	p->bridged = -1;
}

/*
 * --net host: an abstract name the sandbox bound is its own, which its
 * connects may reach (policy_connect()); its Landlock domain allows them.
 */
static void note_own_name(struct sj_notify *n, const struct sj_audit_event *ev)
{
	if (n->cfg.s->net == SJ_NET_HOST && ev->kind && strcmp(ev->kind, "abstract") == 0)
		learn_add(&n->own_names, ev->address);
}

/*
 * The bridged socket, connected: put it in place of the target's fd (same
 * number, same close-on-exec flag). The target still waits in connect(),
 * so the number is still the one it named; SETFD replaces it atomically.
 */
static int install_bridged(struct sj_notify *n, const struct pending *p)
{
	struct seccomp_notif_addfd add = { .id = p->id,
					   .flags = SECCOMP_ADDFD_FLAG_SETFD,
					   .srcfd = (uint32_t)p->bridged,
					   .newfd = (uint32_t)p->target_fd,
					   .newfd_flags = p->target_cloexec ? O_CLOEXEC : 0 };
	return ioctl(n->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &add) < 0 ? -errno : 0;
}

/* The executor's answer for pending[i] (a sent one): record, answer, free the slot. */
static bool finish_pending(struct sj_notify *n, size_t i, struct sj_emulate_result res)
{
	bool kill_sandbox = false;
	struct pending *p = &n->pending[i];
	if (p->target_err) {
		/* Refused for want of its target (send_one()): answered as if never sent, and not recorded. */
		if (p->target_err != -ESRCH)
			respond(n, p->id, -EPERM);
		pending_release(p);
		pending_release_bridged(p);
		pending_remove(n->pending, &n->n_pending, i);
		n->n_sent--;
		return false;
	}
	if (res.denied) {
		p->ev.verdict = SJ_VERDICT_DENY;
		kill_sandbox = n->cfg.s->on_deny == SJ_ON_DENY_KILL;
	}
	if (p->bridge && res.err == 0 && install_bridged(n, p) < 0) {
		/* The target is gone (ENOENT), or we could not put the socket in place: its own stays unconnected. */
		res.err = -EPERM;
		p->ev.verdict = SJ_VERDICT_DENY;
		snprintf(p->rule, sizeof(p->rule), "abstract-bridge: the socket could not be installed");
	}
	if (!p->bridge && res.err == 0 && !res.denied)
		note_own_name(n, &p->ev);
	record(n, &p->ev);
	if (!kill_sandbox)
		respond(n, p->id, res.err);
	pending_release(p);
	pending_release_bridged(p);
	/* Keep the order: the sent ones first, then our queue, oldest first. */
	pending_remove(n->pending, &n->n_pending, i);
	n->n_sent--;
	return kill_sandbox;
}

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
	emulate_zygote_stop(&n->zygote, false);
	while (n->n_sent > 0)
		if (finish_pending(n, n->n_sent - 1, (struct sj_emulate_result){ .err = -EPERM }))
			kill_sandbox = true;
	return kill_sandbox;
}

/*
 * The target's identity, read when its request goes to the zygote, not
 * when it was queued: it is still blocked in bind(), so its ids, groups
 * and capabilities are the ones it called with. -ESRCH: it is gone.
 * Without its fds (with_fds false) when the executor opens them.
 */
static int read_target(struct sj_notify *n, const struct pending *p, struct sj_emulate_target *t, bool with_fds)
{
	int r = with_fds ? emulate_target_open(p->tid, t) : emulate_target_ids(p->tid, t);
	if (r < 0)
		return r;
	if (!id_valid(n, p->id)) {
		if (with_fds)
			emulate_target_close(t);
		return -ESRCH;
	}
	return 0;
}

/*
 * Hand p to the zygote, starting one if there is none. 0, -EAGAIN (the
 * zygote's queue is full: keep it in ours), -EPIPE or -ECONNRESET (the
 * zygote died), or another negative errno (refuse it).
 */
static int send_one(struct sj_notify *n, struct pending *p)
{
	struct sj_emulate_target t;
	struct sj_emulate_request rq = { .id = p->id,
					 .t = &t,
					 .sock = p->sock,
					 .addr = p->addr,
					 .addrlen = p->addrlen,
					 .check_run_dirs = p->check_run_dirs,
					 .rulesets = p->rulesets,
					 .n_rulesets = p->n_rulesets,
					 .connect = p->bridge };
	int r = 0;
	p->target_err = 0;
	if (n->zygote.fd < 0) {
		struct sj_emulate_config zc = { .landlock_abi = n->cfg.landlock_abi,
						.run_dir_fds = n->cfg.run_dir_fds,
						.n_run_dirs = n->cfg.n_run_dirs };
		if ((r = emulate_zygote_start(&zc, &n->zygote)) < 0)
			return r;
	}
	rq.pidfd = notify_intake_pidfd(n, p->tid);
	if (n->n_sent > 0 || rq.pidfd < 0) {
		/* Behind others, one message: a target on its own could find the queue full. */
		if ((r = read_target(n, p, &t, true)) < 0)
			return r;
		r = emulate_send(n->zygote.fd, &rq);
		/* The zygote has its own copies now (in flight, or received). */
		emulate_target_close(&t);
		return r;
	}
	/*
	 * Nothing else in flight: the request first, with the target's
	 * thread. The executor, which waits for it, opens the target's fds
	 * while we read its ids and send them after (on the bench VM, each
	 * half takes ~15 us). Ids that cannot be read make the executor
	 * refuse, and its answer is dealt with as if the request had never
	 * gone (finish_pending()).
	 */
	rq.t = NULL;
	rq.tid = p->tid;
	if ((r = emulate_send(n->zygote.fd, &rq)) < 0)
		return r;
	fault_point("request-sent");
	p->target_err = read_target(n, p, &t, false);
	r = emulate_send_target(n->zygote.fd, p->id, p->target_err ? NULL : &t);
	if (r < 0) {
		/* Its executor would wait for the target for ever: this zygote is done for. */
		emulate_zygote_stop(&n->zygote, false);
		return -EPIPE;
	}
	return 0;
}

int perform_executor_pump(struct sj_notify *n)
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
			pending_release_bridged(p);
			pending_remove(n->pending, &n->n_pending, n->n_sent);
			continue;
		}
		pending_release(p);
		p->sent = true;
		n->n_sent++;
	}
	return kill_sandbox ? 1 : 0;
}

int perform_executor_lost(struct sj_notify *n)
{
	return zygote_lost(n) ? 1 : 0;
}

int perform_executor_done(struct sj_notify *n, uint64_t id, struct sj_emulate_result res)
{
	for (size_t i = 0; i < n->n_sent; i++)
		if (n->pending[i].id == id)
			return finish_pending(n, i, res) ? 1 : 0;
	return 0;
}

int perform_deny(struct sj_notify *n, uint64_t id, struct pending *p)
{
	record(n, &p->ev);
	if (n->cfg.s->on_deny == SJ_ON_DENY_KILL)
		return 1; /* no answer: the target dies inside bind() */
	respond(n, id, -EPERM);
	return 0;
}

void perform_direct(struct sj_notify *n, struct sj_call *c, struct pending *p)
{
	int err;
	err = bind(c->sock, (const struct sockaddr *)c->buf, (socklen_t)c->addrlen) < 0 ? -errno : 0;
	/* Closed before the answer: once answered, the target runs on our CPU (SYNC_WAKE_UP) and would wait for it. */
	close(c->sock);
	c->sock = -1;
	if (err == 0)
		note_own_name(n, &p->ev);
	record(n, &p->ev);
	respond(n, c->id, err);
}

int perform_executor(struct sj_notify *n, struct pending *p)
{
	bool full = n->n_pending == SJ_MAX_QUEUED;
	if (full || pending_reserve(n) < 0) {
		/* Fail closed rather than hold more fds: the queue is full of stuck binds. */
		pending_release(p);
		pending_release_bridged(p);
		snprintf(p->rule, sizeof(p->rule), full ? "executor queue full" : "executor queue: out of memory");
		p->ev.verdict = SJ_VERDICT_DENY;
		record(n, &p->ev);
		respond(n, p->id, -EPERM);
		return 0;
	}
	pending_copy(&n->pending[n->n_pending++], p);
	return perform_executor_pump(n);
}

/* Is fd close-on-exec in tid's table? (/proc/<tid>/fdinfo/<fd>: "flags:" in octal, O_CLOEXEC included) */
static int target_fd_cloexec(pid_t tid, int fd, bool *cloexec)
{
	char name[32], buf[512];
	snprintf(name, sizeof(name), "fdinfo/%d", fd);
	int r = procfs_read(procfs_pid(tid), name, buf, sizeof(buf));
	if (r <= 0)
		return r < 0 ? r : -EIO;
	const char *flags = strstr(buf, "flags:");
	if (!flags)
		return -EIO;
	*cloexec = (strtoul(flags + 6, NULL, 8) & O_CLOEXEC) != 0;
	return 0;
}

/*
 * What the target set on its socket before connect(), on ours: the file
 * status flags (O_NONBLOCK), credential passing and the buffer sizes.
 * SO_PASSPIDFD is new in 6.5: ENOPROTOOPT on both sides is no difference.
 */
static int copy_socket_setup(int from, int to)
{
	static const int opts[] = { SO_PASSCRED, 76 /* SO_PASSPIDFD */ };
	int fl = fcntl(from, F_GETFL);
	if (fl < 0 || fcntl(to, F_SETFL, fl & O_NONBLOCK) < 0)
		return -errno;
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		int v = 0;
		socklen_t len = sizeof(v);
		if (getsockopt(from, SOL_SOCKET, opts[i], &v, &len) < 0) {
			if (errno == ENOPROTOOPT)
				continue;
			return -errno;
		}
		if (v && setsockopt(to, SOL_SOCKET, opts[i], &v, sizeof(v)) < 0)
			return -errno;
	}
	static const int bufs[] = { SO_SNDBUF, SO_RCVBUF };
	for (size_t i = 0; i < 2; i++) {
		int want = 0, have = 0;
		socklen_t len = sizeof(want);
		if (getsockopt(from, SOL_SOCKET, bufs[i], &want, &len) < 0)
			return -errno;
		len = sizeof(have);
		if (getsockopt(to, SOL_SOCKET, bufs[i], &have, &len) < 0)
			return -errno;
		/* The kernel doubles what it is given (and caps it at [wr]mem_max, as for the target). */
		if (want != have) {
			int half = want / 2;
			if (setsockopt(to, SOL_SOCKET, bufs[i], &half, sizeof(half)) < 0)
				return -errno;
		}
	}
	return 0;
}

int perform_bridge(struct sj_notify *n, const struct sj_call *c, struct pending *p)
{
	int type = 0;
	socklen_t len = sizeof(type);
	struct sockaddr_un name;
	socklen_t nlen = sizeof(name);

	/* A socket already bound or connected cannot be remade in our netns: the kernel's answer, or a refusal. */
	if (getsockopt(c->sock, SOL_SOCKET, SO_TYPE, &type, &len) < 0 ||
	    getsockname(c->sock, (struct sockaddr *)&name, &nlen) < 0) {
		respond(n, c->id, -EPERM);
		return 0;
	}
	if (type == SOCK_STREAM || type == SOCK_SEQPACKET) {
		struct sockaddr_un peer;
		socklen_t plen = sizeof(peer);
		if (getpeername(c->sock, (struct sockaddr *)&peer, &plen) == 0) {
			respond(n, c->id, -EISCONN);
			return 0;
		}
	}
	if (nlen > sizeof(sa_family_t)) {
		/* A limit of the bridge, not a policy violation: never --on-deny kill. */
		p->ev.verdict = SJ_VERDICT_DENY;
		snprintf(p->rule, sizeof(p->rule), "abstract-bridge: the socket is bound (only unbound sockets are bridged)");
		record(n, &p->ev);
		respond(n, c->id, -EPERM);
		return 0;
	}
	_cleanup_close_ int own = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	int r = own < 0 ? -errno : copy_socket_setup(c->sock, own);
	bool cloexec = false;
	if (r == 0)
		r = target_fd_cloexec(c->tid, c->fd, &cloexec);
	p->sock = r == 0 ? fcntl(own, F_DUPFD_CLOEXEC, 3) : -1;
	if (r < 0 || p->sock < 0 || !id_valid(n, c->id)) {
		if (p->sock >= 0)
			close(p->sock);
		respond(n, c->id, -EPERM);
		return 0;
	}
	p->id = c->id;
	p->tid = c->tid;
	p->bridge = true;
	p->bridged = TAKE_FD(own);
	p->target_fd = c->fd;
	p->target_cloexec = cloexec;
	p->addrlen = c->addrlen;
	memcpy(p->addr, c->buf, (size_t)c->addrlen);
	return perform_executor(n, p);
}
