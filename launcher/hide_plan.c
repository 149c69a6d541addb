// SPDX-License-Identifier: MIT
#include "hide_plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *hide_reach_name(enum sj_reach r)
{
	static const char *const names[] = {
		[SJ_REACH_GRANTED] = "granted",
		[SJ_REACH_VISIBLE] = "visible",
		[SJ_REACH_HIDDEN] = "hidden",
		[SJ_REACH_COVERED] = "covered",
		[SJ_REACH_ELSEWHERE] = "elsewhere",
		[SJ_REACH_PRIVATE_NETNS] = "private-netns",
		[SJ_REACH_LANDLOCK] = "landlock",
		[SJ_REACH_PERMISSION] = "permission",
	};
	return (size_t)r < sizeof(names) / sizeof(names[0]) && names[r] ? names[r] : "?";
}

void hide_fate_free(struct sj_sock_fate *f)
{
	free(f->sandbox_path);
	f->sandbox_path = NULL;
}

static bool covers_view(const struct sj_mount_op *o)
{
	return o->kind == SJ_MOP_TMPFS || o->kind == SJ_MOP_BIND || o->kind == SJ_MOP_SYSFS || o->kind == SJ_MOP_PROC;
}

/*
 * The operation whose mount the sandbox sees at path, or NULL where it
 * sees the caller's own tree. Mounts stack: of those on path or an
 * ancestor of it, the last one made is on top (a later mount on an
 * ancestor hides an earlier one beneath).
 */
static const struct sj_mount_op *view_op(const struct sj_mount_plan *p, const char *path)
{
	const struct sj_mount_op *top = NULL;
	for (size_t i = 0; i < p->n; i++)
		if (covers_view(&p->ops[i]) && path_is_under(path, p->ops[i].dst))
			top = &p->ops[i];
	return top;
}

/* dst + (path - src), for path beneath src. */
static char *map_path(const char *path, const char *src, const char *dst)
{
	size_t n = strlen(src);
	while (n > 1 && src[n - 1] == '/')
		n--;
	const char *rest = n == 1 ? path : path + n; /* src "/" keeps the whole path */
	char *out = NULL;
	if (asprintf(&out, "%s%s", strcmp(dst, "/") == 0 && rest[0] == '/' ? "" : dst, rest) < 0)
		return NULL;
	return out;
}

static const char *show_socket_grant(const struct sj_settings *s, const char *sandbox_path)
{
	for (size_t i = 0; i < s->show_sockets.n; i++)
		if (path_is_under(sandbox_path, s->show_sockets.v[i]))
			return s->show_sockets.v[i];
	return NULL;
}

int hide_decide_path(const struct sj_settings *s, const struct sj_mount_plan *plan, const char *host_path,
		     struct sj_sock_fate *f)
{
	const struct sj_mount_op *grant = NULL;
	*f = (struct sj_sock_fate){ 0 };

	/* No mount namespace: the sandbox sees the caller's tree, and nothing can be covered. */
	if (s->gate_only) {
		char *at = strdup(host_path);
		if (!at)
			return -ENOMEM;
		*f = (struct sj_sock_fate){ SJ_REACH_VISIBLE, "--gate-only", NULL, at };
		return 0;
	}

	/*
	 * Seen through a bind: the user (or a --run-* grant) asked for this
	 * source, so what lies beneath it stays reachable, at every path.
	 */
	for (size_t i = 0; i < plan->n; i++) {
		const struct sj_mount_op *o = &plan->ops[i];
		if (o->kind != SJ_MOP_BIND || !path_is_under(host_path, o->src))
			continue;
		if (!grant)
			grant = o;
		char *at = map_path(host_path, o->src, o->dst);
		if (!at)
			return -ENOMEM;
		if (view_op(plan, at) == o) {
			*f = (struct sj_sock_fate){ SJ_REACH_GRANTED, o->origin, o->src, at };
			return 0;
		}
		free(at);
	}

	/* A stub the supervisor replaces with the host's socket as soon as it is there. */
	for (size_t i = 0; i < plan->n; i++) {
		const struct sj_mount_op *o = &plan->ops[i];
		if (o->kind == SJ_MOP_SOCKET_STUB && strcmp(o->dst, host_path) == 0) {
			char *at = strdup(host_path);
			if (!at)
				return -ENOMEM;
			*f = (struct sj_sock_fate){ SJ_REACH_GRANTED, o->origin, o->dst, at };
			return 0;
		}
	}

	const struct sj_mount_op *top = view_op(plan, host_path);
	if (top) {
		/* Something else is mounted over its path, and no bind shows it elsewhere. */
		*f = (struct sj_sock_fate){ SJ_REACH_COVERED, top->origin,
					    top->kind == SJ_MOP_BIND ? top->src : top->dst, NULL };
		return 0;
	}
	/* In the sandbox at its own path, from the caller's tree. */
	char *at = strdup(host_path);
	if (!at)
		return -ENOMEM;
	const char *shown;
	if (grant)
		*f = (struct sj_sock_fate){ SJ_REACH_GRANTED, grant->origin, grant->src, at };
	else if ((shown = show_socket_grant(s, host_path)))
		*f = (struct sj_sock_fate){ SJ_REACH_GRANTED, "--show-socket", shown, at };
	else if (s->other_sockets == SJ_OTHER_SOCKETS_VISIBLE)
		*f = (struct sj_sock_fate){ SJ_REACH_VISIBLE, "--other-sockets", "visible", at };
	else
		*f = (struct sj_sock_fate){ SJ_REACH_HIDDEN, "--other-sockets", "hidden", at };
	return 0;
}

void hide_decide_abstract(const struct sj_settings *s, bool abstract_scoped, struct sj_sock_fate *f)
{
	*f = (struct sj_sock_fate){ 0 };
	if (s->net == SJ_NET_NONE)
		*f = (struct sj_sock_fate){ SJ_REACH_PRIVATE_NETNS, "--net", "none", NULL };
	else if (s->net == SJ_NET_VETH)
		*f = (struct sj_sock_fate){ SJ_REACH_PRIVATE_NETNS, "--net", "veth", NULL };
	else if (abstract_scoped)
		*f = (struct sj_sock_fate){ SJ_REACH_LANDLOCK, "--abstract-connect", "deny", NULL };
	else if (s->abstract_connect == SJ_ABSTRACT_CONNECT_ALLOW)
		*f = (struct sj_sock_fate){ SJ_REACH_VISIBLE, "--abstract-connect", "allow", NULL };
	else
		/* deny asked for, but the kernel has no Landlock scope to enforce it */
		*f = (struct sj_sock_fate){ SJ_REACH_VISIBLE, "--net", "host", NULL };
}

int hide_list_add(struct sj_hide_list *l, const char *path, uint64_t ino)
{
	char *p = strdup(path);
	if (!p)
		return -ENOMEM;
	struct sj_hide_entry *n = realloc(l->v, (l->n + 1) * sizeof(*n));
	if (!n) {
		free(p);
		return -ENOMEM;
	}
	l->v = n;
	l->v[l->n++] = (struct sj_hide_entry){ p, ino };
	return 0;
}

void hide_list_free(struct sj_hide_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].path);
	free(l->v);
	*l = (struct sj_hide_list){ 0 };
}
