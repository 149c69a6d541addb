// SPDX-License-Identifier: MIT
/*
 * The supervisor loop's notifications. Order per bind() (design.md):
 * receive; check arch and nr; intake (notify_intake.c: pidfd of the
 * calling thread, ID_VALID, pidfd_getfd() the socket, SO_DOMAIN, one copy
 * of exactly addrlen bytes, ID_VALID again); decide on the copy (policy.c);
 * perform (notify_perform.c): deny, or bind on the copy and answer with
 * its result.
 */
#include "notify.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
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
#include <unistd.h>

#include "cleanup.h"
#include "emulate.h"
#include "landlock_track.h"
#include "learn.h"
#include "notify_intake.h"
#include "notify_perform.h"
#include "notify_state.h"
#include "policy.h"
#include "procfs.h"
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

_Static_assert(SJ_SOCKADDR_MAX <= SJ_EMULATE_ADDR_MAX, "an executor request holds any address");

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
	n->zygote.fd = -1;
	n->zygote.answer_fd = -1;
	n->pidfd_thread = true;
	for (size_t i = 0; i < SJ_PIDFD_SLOTS; i++)
		n->pidfds[i].fd = -1;
	landlock_track_init(&n->landlock, getpid(), cfg->sandbox_pid,
			    cfg->s->pid == SJ_PID_HOST ? cfg->sandbox_pid : cfg->command_pid);
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
	/* Only --net host shares our netns; any other is one we made. */
	if (cfg->s->net == SJ_NET_HOST)
		n->netns_cookie = notify_own_netns_cookie();
	/* --net host: the --listen abstract names are the sandbox's own from the start. */
	for (size_t i = 0; cfg->s->net == SJ_NET_HOST && i < cfg->s->listen.n; i++) {
		const char *spec = cfg->s->listen.v[i];
		char name[SJ_ESCAPED_MAX + 16];
		if (spec[0] != '@' || strcspn(spec, ",") >= sizeof(name))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(spec, ","), spec);
		if (learn_add(&n->own_names, name) < 0)
			goto fail;
	}
	/*
	 * Wake the target on the supervisor's CPU when we answer (6.6+): a
	 * round trip drops from ~30 us to a few. Off while several threads
	 * wait at once (wake_hint.h). Older kernels: not needed.
	 */
	wake_hint_init(&n->wake);
	n->wake_flag = ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) == 0;
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
	emulate_zygote_stop(&n->zygote, n->n_sent == 0);
	for (size_t i = 0; i < n->n_pending; i++) {
		pending_release(&n->pending[i]);
		if (n->pending[i].bridge && n->pending[i].bridged >= 0)
			close(n->pending[i].bridged);
	}
	notify_intake_forget(n);
	strv_free(&n->own_names);
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
	if (n->zygote.answer_fd >= 0 && k < max)
		pfds[k++] = (struct pollfd){ .fd = n->zygote.answer_fd, .events = POLLIN };
	if (n->zygote.fd >= 0 && k < max)
		pfds[k++] = (struct pollfd){ .fd = n->zygote.fd, .events = POLLIN };
	return k;
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
	if (un->sun_family != AF_UNIX)
		return;
	if (un->sun_path[0] == '\0') {
		char esc[SJ_ESCAPED_MAX + 16];
		if (req->data.nr == SYS_connect && max > 1) {
			sockaddr_escape((const unsigned char *)un->sun_path, max, esc, sizeof(esc));
			learn_add(&n->cfg.learned->abstract_connects, esc);
		}
		return;
	}
	learn_run_path(n, tid, &n->cfg.learned->connects, (const unsigned char *)un->sun_path,
		       strnlen(un->sun_path, max));
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

/*
 * A bind for the executor: the target's Landlock rulesets (and its
 * ancestors') go with it, then it joins the queue (taking sock, our copy
 * of the socket). Returns 1 for --on-deny kill, else 0.
 */
static int queue_for_executor(struct sj_notify *n, const struct sj_call *c, struct pending *p, int sock)
{
	int r = landlock_track_lookup(&n->landlock, c->tid, p->rulesets, ARRAY_SIZE(p->rulesets));
	for (int i = 0; i < r; i++) {
		p->rulesets[i] = fcntl(p->rulesets[i], F_DUPFD_CLOEXEC, 3);
		if (p->rulesets[i] < 0) {
			p->n_rulesets = (size_t)i;
			r = -EMFILE;
			break;
		}
		p->n_rulesets = (size_t)i + 1;
	}
	/*
	 * The lineage was read from /proc by tid: the target's only if it
	 * still waits (with nothing tracked nothing was read, and intake's
	 * ID_VALID stands).
	 */
	if (r < 0 || (n->landlock.n > 0 && !id_valid(n, c->id))) {
		/* Too many layers, or a lineage we cannot read: fail closed. */
		pending_release(p);
		close(sock);
		respond(n, c->id, -EPERM);
		return 0;
	}
	p->id = c->id;
	p->tid = c->tid;
	p->sock = sock;
	p->addrlen = c->addrlen;
	memcpy(p->addr, c->buf, (size_t)c->addrlen);
	return perform_executor(n, p);
}

/*
 * One bind() notification: intake, decision, then performing it. Returns 1
 * when --on-deny kill asks for the sandbox to die, else 0. Every path
 * answers the notification exactly once (directly, or later when the
 * executor reports).
 */
static int handle_bind(struct sj_notify *n, const struct seccomp_notif *req)
{
	struct sj_call c = { .sock = -1 };
	struct pending p = { .sock = -1, .bridged = -1 };
	struct sj_bind_decision d;

	p.ev = (struct sj_audit_event){ .pid = (pid_t)req->pid, .comm = "?", .syscall = "bind", .family = -1,
					.address = p.address, .rule = p.rule };
	if (notify_intake(n, req, &c) != 0)
		return 0;
	/*
	 * Our copy of the socket is closed before every answer but the
	 * executor's (which takes it): once answered, the target runs on our
	 * CPU (SYNC_WAKE_UP) and would wait for what we do after.
	 */
	_cleanup_close_ int sock = c.sock;
	p.ev.family = c.domain;

	policy_bind(n->cfg.s, n->cfg.unpriv_port_start, c.domain, c.buf, c.addrlen, &d);
	p.ev.kind = policy_kind_name(d.kind);
	p.ev.verdict = d.verdict;
	p.check_run_dirs = d.check_run_dirs;
	memcpy(p.address, d.address, sizeof(p.address));
	memcpy(p.rule, d.rule, sizeof(p.rule));
	if (n->cfg.learned) {
		if (d.logged_abstract)
			learn_add(&n->cfg.learned->abstract, p.address);
		if (d.kind == SJ_ADDR_PATHNAME)
			learn_run_path(n, c.tid, &n->cfg.learned->binds, d.name, d.name_len);
	}
	/* An abstract name lands in the socket's netns: it must be the sandbox's. */
	if (d.route != SJ_ROUTE_INVALID && d.route != SJ_ROUTE_DENY && d.needs_own_netns &&
	    !notify_socket_in_sandbox_netns(n, c.sock)) {
		p.ev.verdict = SJ_VERDICT_DENY;
		snprintf(p.rule, sizeof(p.rule), "foreign network namespace");
		d.route = SJ_ROUTE_DENY;
	}

	switch (d.route) {
	case SJ_ROUTE_INVALID:
		close(TAKE_FD(sock));
		respond(n, c.id, d.err);
		return 0;
	case SJ_ROUTE_DENY:
		close(TAKE_FD(sock));
		return perform_deny(n, c.id, &p);
	case SJ_ROUTE_DIRECT:
		/*
		 * A process that restricted itself with Landlock never gets the
		 * direct bind. The lineage is read from /proc by tid: the
		 * target's only if it still waits, so ID_VALID again; if not,
		 * the executor's path refuses it.
		 */
		if (n->landlock.n == 0 ||
		    (landlock_track_lookup(&n->landlock, c.tid, p.rulesets, 0) == 0 && id_valid(n, c.id))) {
			c.sock = TAKE_FD(sock);
			perform_direct(n, &c, &p);
			return 0;
		}
		break;
	case SJ_ROUTE_EXECUTOR:
		break;
	}

	return queue_for_executor(n, &c, &p, TAKE_FD(sock));
}

/*
 * One connect() notification (--abstract-bridge, or --net host with
 * --abstract-connect deny): intake, decision, then CONTINUE (what the
 * kernel reads again can only reach what the sandbox could reach anyway),
 * ECONNREFUSED, or the bridge. Returns 1 for --on-deny kill, else 0.
 */
static int handle_connect(struct sj_notify *n, const struct seccomp_notif *req)
{
	struct sj_call c = { .sock = -1 };
	struct pending p = { .sock = -1, .bridged = -1 };
	struct sj_connect_decision d;

	p.ev = (struct sj_audit_event){ .pid = (pid_t)req->pid, .comm = "?", .syscall = "connect", .family = -1,
					.kind = "abstract", .address = p.address, .rule = p.rule };
	if (notify_intake(n, req, &c) != 0)
		return 0;
	_cleanup_close_ int sock = c.sock;
	p.ev.family = c.domain;
	policy_connect(n->cfg.s, c.domain, c.buf, c.addrlen, &n->own_names, &d);
	memcpy(p.address, d.address, sizeof(p.address));
	memcpy(p.rule, d.rule, sizeof(p.rule));
	switch (d.route) {
	case SJ_CONNECT_CONTINUE:
		close(TAKE_FD(sock));
		respond_continue(n, c.id);
		return 0;
	case SJ_CONNECT_REFUSE:
		/* Not a violation to report on stderr: X11 clients try this first, every time. */
		close(TAKE_FD(sock));
		p.ev.verdict = SJ_VERDICT_DENY;
		record_audit(n, &p.ev);
		respond(n, c.id, -ECONNREFUSED);
		return 0;
	case SJ_CONNECT_BRIDGE:
		break;
	}
	p.ev.verdict = SJ_VERDICT_ALLOW;
	if (n->cfg.learned)
		learn_add(&n->cfg.learned->bridged, p.address);
	return perform_bridge(n, &c, &p);
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
	if (n->wake_flag && wake_hint_note(&n->wake, (pid_t)req->pid))
		ioctl(n->listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, n->wake.sync ? SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP : 0);
	if (n->cfg.learned && req->data.arch == AUDIT_ARCH_X86_64 &&
	    (req->data.nr == SYS_connect || req->data.nr == SYS_sendto || req->data.nr == SYS_sendmsg)) {
		learn_observe(n, req);
		if (req->data.nr == SYS_connect && policy_connect_notified(n->cfg.s))
			return handle_connect(n, req);
		respond_continue(n, req->id);
		return 0;
	}
	if (req->data.arch == AUDIT_ARCH_X86_64 && req->data.nr == SYS_connect && policy_connect_notified(n->cfg.s))
		return handle_connect(n, req);
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

/* Did poll() report anything for fd? */
static bool polled(const struct pollfd *pfds, size_t npfds, int fd)
{
	for (size_t k = 0; k < npfds; k++)
		if (pfds[k].fd == fd)
			return pfds[k].revents != 0;
	return false;
}

int notify_dispatch(struct sj_notify *n, const struct pollfd *pfds, size_t npfds)
{
	int ret = 0;
	/*
	 * The zygote's answers first, while its fds are still the ones polled
	 * (handle() may start a new zygote, which could get the same numbers).
	 * One answer per wakeup (poll() reports the next): a recv() that found
	 * none would run after our answer, while the target it woke waits on
	 * our CPU. The executors' own answers before the zygote's socket: at
	 * its EOF, a bind an executor already answered is not failed as lost.
	 */
	const int zfds[] = { n->zygote.answer_fd, n->zygote.fd };
	for (size_t i = 0; i < ARRAY_SIZE(zfds); i++) {
		if (zfds[i] < 0 || !polled(pfds, npfds, zfds[i]))
			continue;
		uint64_t id;
		struct sj_emulate_result res;
		int r = emulate_recv(zfds[i], &id, &res);
		if (r == 0)
			continue;
		if (r < 0 && perform_executor_lost(n))
			ret = 1;
		else if (r > 0 && perform_executor_done(n, id, res))
			ret = 1;
		/* Room in the zygote's queue again (or a new zygote to start). */
		if (perform_executor_pump(n))
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
