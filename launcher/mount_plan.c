// SPDX-License-Identifier: MIT
#include "mount_plan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int push(struct sj_mount_plan *p, struct sj_mount_op op)
{
	struct sj_mount_op *n = realloc(p->ops, (p->n + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	p->ops = n;
	p->ops[p->n++] = op;
	return 0;
}

/*
 * Is dst beneath a tmpfs that an earlier operation of this plan mounted?
 * The innermost mount covering dst decides: beneath a bind of the caller's
 * directory, creating a mount point would write to the host.
 */
static bool under_own_tmpfs(const struct sj_mount_plan *p, const char *dst)
{
	const struct sj_mount_op *inner = NULL;
	for (size_t i = 0; i < p->n; i++) {
		const struct sj_mount_op *o = &p->ops[i];
		if ((o->kind != SJ_MOP_TMPFS && o->kind != SJ_MOP_BIND) || !path_is_under(dst, o->dst) ||
		    strcmp(dst, o->dst) == 0)
			continue;
		if (!inner || strlen(o->dst) >= strlen(inner->dst))
			inner = o;
	}
	return inner && inner->kind == SJ_MOP_TMPFS;
}

int mount_plan_build(const struct sj_settings *s, struct sj_mount_plan *plan)
{
	struct sj_mount_plan p = { 0 };
	int r;

	/* --gate-only: no mount namespace, so nothing to mount. */
	if (s->gate_only) {
		*plan = p;
		return 0;
	}

#define PUSH(...)                                                                                  \
	do {                                                                                       \
		if ((r = push(&p, (struct sj_mount_op){ __VA_ARGS__ })) < 0)                       \
			goto fail;                                                                 \
	} while (0)

	PUSH(.kind = SJ_MOP_MAKE_SLAVE, .dst = "/", .origin = "mount namespace");
	if (s->learn)
		/*
		 * --learn shows the host's /run read-only, so that connects to
		 * its sockets succeed and the run goes on to show what else it
		 * needs; the learned profile then names each socket used.
		 */
		PUSH(.kind = SJ_MOP_BIND, .src = "/run", .dst = "/run", .readonly = true, .origin = "--learn");
	else
		PUSH(.kind = SJ_MOP_TMPFS, .dst = "/run", .mode = 0755, .origin = "/run");
	for (size_t i = 0; i < s->run_sockets.n; i++)
		PUSH(.kind = SJ_MOP_BIND, .src = s->run_sockets.v[i], .dst = s->run_sockets.v[i],
		     .readonly = true, .create_dst = true, .origin = "--run-socket");
	/*
	 * Until the service makes it, connect() gets ECONNREFUSED from a socket
	 * file with no listener, as from a service that is down; the supervisor
	 * mounts the real one over it (run_socket_follow.c). --learn shows the
	 * host's /run as it is, the socket too once it exists.
	 */
	for (size_t i = 0; !s->learn && i < s->run_sockets_optional.n; i++)
		PUSH(.kind = SJ_MOP_SOCKET_STUB, .dst = s->run_sockets_optional.v[i], .create_dst = true,
		     .origin = "--run-socket-optional");
	for (size_t i = 0; i < s->run_dirs.n; i++)
		PUSH(.kind = SJ_MOP_BIND, .src = s->run_dirs.v[i], .dst = s->run_dirs.v[i],
		     .create_dst = true, .origin = "--run-dir");
	for (size_t i = 0; i < s->n_mounts; i++) {
		const struct sj_mount_req *m = &s->mounts[i];
		bool create = under_own_tmpfs(&p, m->dst);
		switch (m->kind) {
		case SJ_MOUNT_TMPFS:
			PUSH(.kind = SJ_MOP_TMPFS, .dst = m->dst, .mode = 0755, .create_dst = create,
			     .origin = "--tmpfs");
			break;
		case SJ_MOUNT_BIND:
		case SJ_MOUNT_RO_BIND:
			PUSH(.kind = SJ_MOP_BIND, .src = m->src, .dst = m->dst,
			     .readonly = m->kind == SJ_MOUNT_RO_BIND, .create_dst = create,
			     .origin = m->kind == SJ_MOUNT_BIND ? "--bind" : "--ro-bind");
			break;
		}
	}
	/* Last, so the binds and tmpfses above could still create their mount points. */
	PUSH(.kind = SJ_MOP_REMOUNT_RO, .dst = "/run", .origin = "/run");
	if (s->net != SJ_NET_HOST)
		PUSH(.kind = SJ_MOP_SYSFS, .dst = "/sys", .readonly = true, .origin = "/sys");
	if (s->pid != SJ_PID_HOST)
		PUSH(.kind = SJ_MOP_PROC, .dst = "/proc", .origin = "/proc");
#undef PUSH
	*plan = p;
	return 0;
fail:
	free(p.ops);
	return r;
}

void mount_plan_free(struct sj_mount_plan *plan)
{
	free(plan->ops);
	*plan = (struct sj_mount_plan){ 0 };
}

size_t mount_plan_pin(struct sj_mount_plan *plan, const char *origin, const char *src, const char *canon, dev_t dev,
		      ino_t ino)
{
	size_t n = 0;
	for (size_t i = 0; i < plan->n; i++) {
		struct sj_mount_op *o = &plan->ops[i];
		if (o->kind != SJ_MOP_BIND || !o->src || strcmp(o->origin, origin) || strcmp(o->src, src))
			continue;
		o->pinned = canon;
		o->pinned_dev = dev;
		o->pinned_ino = ino;
		n++;
	}
	return n;
}

void mount_plan_print(const struct sj_mount_plan *plan, FILE *f)
{
	static const char *const names[] = {
		[SJ_MOP_MAKE_SLAVE] = "make-slave", [SJ_MOP_TMPFS] = "tmpfs",
		[SJ_MOP_BIND] = "bind",		    [SJ_MOP_REMOUNT_RO] = "remount-ro",
		[SJ_MOP_SYSFS] = "sysfs",	    [SJ_MOP_PROC] = "proc",
		[SJ_MOP_SOCKET_STUB] = "socket-stub",
	};
	for (size_t i = 0; i < plan->n; i++) {
		const struct sj_mount_op *o = &plan->ops[i];
		fprintf(f, "%s%s", names[o->kind], o->readonly && o->kind == SJ_MOP_BIND ? "-ro" : "");
		if (o->src)
			fprintf(f, " %s ->", o->src);
		fprintf(f, " %s", o->dst);
		if (o->kind == SJ_MOP_TMPFS)
			fprintf(f, " mode=%04o", (unsigned)o->mode);
		if (o->create_dst)
			fprintf(f, " (create)");
		fputc('\n', f);
	}
}
