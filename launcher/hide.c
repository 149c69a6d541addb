// SPDX-License-Identifier: MIT
/* The host side of --other-sockets: list, locate, decide. */
#include "hide.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "policy.h"

/* No "//", "." or ".." component and no trailing slash: the form the plan compares. */
static bool path_is_plain(const char *p)
{
	if (p[0] != '/')
		return false;
	for (const char *c = p; *c; c++) {
		if (*c != '/')
			continue;
		const char *n = c + 1;
		if (*n == '/' || (*n == '\0' && c != p))
			return false;
		if (n[0] == '.' && (n[1] == '/' || n[1] == '\0' || (n[1] == '.' && (n[2] == '/' || n[2] == '\0'))))
			return false;
	}
	return true;
}

/*
 * Where the socket's file is in our view. The name is the one given to
 * bind(), in the binder's mount namespace and cwd; the socket is at that
 * path here only if the file there is this socket's inode. (The inode
 * alone: on btrfs st_dev is a subvolume's, not the superblock's s_dev
 * that sock_diag reports.) Returns 0, -ENOENT (not there), -EACCES (a
 * directory on the way refuses us) or -ENOMEM.
 */
static int locate(const struct sj_unix_sock *u, char **path, struct stat *st)
{
	const char *name = (const char *)u->name;
	_cleanup_free_ char *canon = NULL;

	if (name[0] != '/' || !u->has_vfs)
		return -ENOENT;
	/* The common case in two syscalls; a symlink on the way (/var/run) takes realpath(). */
	struct open_how how = { .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
				.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	_cleanup_close_ int fd = (int)syscall(SYS_openat2, AT_FDCWD, name, &how, sizeof(how));
	if (fd >= 0 && path_is_plain(name)) {
		if (fstat(fd, st) < 0)
			return -errno;
		if (!(canon = strdup(name)))
			return -ENOMEM;
	} else if (fd >= 0 || errno == ELOOP || errno == ENOSYS || errno == EXDEV) {
		if (!(canon = realpath(name, NULL)))
			return errno == ENOMEM ? -ENOMEM : errno == EACCES ? -EACCES : -ENOENT;
		if (lstat(canon, st) < 0)
			return -ENOENT;
	} else {
		return errno == EACCES ? -EACCES : -ENOENT;
	}
	if (!S_ISSOCK(st->st_mode) || st->st_ino != u->vfs_ino)
		return -ENOENT;
	*path = TAKE_PTR(canon);
	return 0;
}

/*
 * Start-up's shortcut: the directories the sockets are in, each checked
 * once (no symlink on the way, there, searchable by us), instead of every
 * socket file. The sandbox's init checks each file it covers anyway (a
 * socket, the inode sock_diag gave), so the supervisor need not: on a host
 * with many sockets in few directories this saves three system calls per
 * socket on the start-up path.
 */
enum dir_state { DIR_PLAIN, DIR_SYMLINK, DIR_MISSING, DIR_DENIED };
struct dir_cache {
	char **dirs;
	enum dir_state *state;
	size_t n;
};

static void dir_cache_free(struct dir_cache *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->dirs[i]);
	free(c->dirs);
	free(c->state);
	*c = (struct dir_cache){ 0 };
}

static int dir_lookup(struct dir_cache *c, const char *dir, size_t len, enum dir_state *out)
{
	for (size_t i = c->n; i-- > 0;)
		if (strlen(c->dirs[i]) == len && memcmp(c->dirs[i], dir, len) == 0) {
			*out = c->state[i];
			return 0;
		}
	_cleanup_free_ char *d = len ? strndup(dir, len) : strdup("/");
	if (!d)
		return -ENOMEM;
	struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
				.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	int fd = (int)syscall(SYS_openat2, AT_FDCWD, d, &how, sizeof(how));
	enum dir_state st = fd >= 0 ? DIR_PLAIN
			    : errno == ELOOP || errno == ENOSYS || errno == EXDEV ? DIR_SYMLINK
			    : errno == EACCES ? DIR_DENIED
					      : DIR_MISSING;
	if (fd >= 0)
		close(fd);
	char **nd = realloc(c->dirs, (c->n + 1) * sizeof(*nd));
	if (!nd)
		return -ENOMEM;
	c->dirs = nd;
	enum dir_state *ns = realloc(c->state, (c->n + 1) * sizeof(*ns));
	if (!ns)
		return -ENOMEM;
	c->state = ns;
	c->dirs[c->n] = TAKE_PTR(d);
	c->state[c->n++] = st;
	*out = st;
	return 0;
}

/* locate() without looking at the file; -EAGAIN: a symlink on the way, ask locate(). */
static int locate_fast(struct dir_cache *c, const struct sj_unix_sock *u, char **path)
{
	const char *name = (const char *)u->name;
	enum dir_state st;
	if (name[0] != '/' || !u->has_vfs)
		return -ENOENT;
	if (!path_is_plain(name))
		return -EAGAIN;
	int r = dir_lookup(c, name, (size_t)(strrchr(name, '/') - name), &st);
	if (r < 0)
		return r;
	if (st == DIR_SYMLINK)
		return -EAGAIN;
	if (st != DIR_PLAIN)
		return st == DIR_DENIED ? -EACCES : -ENOENT;
	return (*path = strdup(name)) ? 0 : -ENOMEM;
}

static int decide_one(const struct sj_settings *s, const struct sj_mount_plan *plan, bool abstract_scoped,
		      struct dir_cache *fast, struct sj_sock_item *it)
{
	const struct sj_unix_sock *u = it->sock;
	if (u->abstract) {
		hide_decide_abstract(s, abstract_scoped, &it->fate);
		/* Whatever the netns: connect() reaches it through the bridge, as COMMAND's user. */
		int m = policy_bridge_pattern(s, u->name, u->name_len);
		if (m >= 0)
			it->fate = (struct sj_sock_fate){ SJ_REACH_GRANTED, "--abstract-bridge", s->abstract_bridge.v[m], NULL };
		return 0;
	}
	int r = fast ? locate_fast(fast, u, &it->host_path) : -EAGAIN;
	if (r == -EAGAIN)
		r = locate(u, &it->host_path, &it->st);
	else
		it->st.st_mode = 0; /* not looked at */
	if (r == -ENOMEM)
		return r;
	if (r == -EACCES) {
		it->fate = (struct sj_sock_fate){ SJ_REACH_PERMISSION, "a directory on its path", NULL, NULL };
		return 0;
	}
	if (r < 0) {
		it->fate = (struct sj_sock_fate){ SJ_REACH_ELSEWHERE,
						  u->name[0] == '/' ? "not at its path (unlinked, or bound in another mount namespace)"
								    : "bound by a relative path",
						  NULL, NULL };
		return 0;
	}
	return hide_decide_path(s, plan, it->host_path, &it->fate);
}

static int snapshot(const struct sj_settings *s, const struct sj_mount_plan *plan, bool abstract_scoped,
		    struct dir_cache *fast, struct sj_hide_snapshot *out)
{
	struct sj_hide_snapshot snap = { 0 };
	int r;

	if ((r = sockdiag_list_unix(&snap.socks)) < 0)
		return r;
	if (!(snap.items = calloc(snap.socks.n ? snap.socks.n : 1, sizeof(*snap.items)))) {
		r = -ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < snap.socks.n; i++) {
		struct sj_sock_item *it = &snap.items[i];
		it->sock = &snap.socks.v[i];
		if ((r = decide_one(s, plan, abstract_scoped, fast, it)) < 0)
			goto fail;
		if (it->fate.reach == SJ_REACH_HIDDEN &&
		    (r = hide_list_add(&snap.hide, it->fate.sandbox_path, it->sock->vfs_ino)) < 0)
			goto fail;
	}
	*out = snap;
	return 0;
fail:
	hide_snapshot_free(&snap);
	return r;
}

int hide_snapshot(const struct sj_settings *s, const struct sj_mount_plan *plan, bool abstract_scoped,
		  struct sj_hide_snapshot *out)
{
	return snapshot(s, plan, abstract_scoped, NULL, out);
}

void hide_snapshot_free(struct sj_hide_snapshot *snap)
{
	for (size_t i = 0; snap->items && i < snap->socks.n; i++) {
		free(snap->items[i].host_path);
		hide_fate_free(&snap->items[i].fate);
	}
	free(snap->items);
	hide_list_free(&snap->hide);
	sockdiag_list_free(&snap->socks);
	*snap = (struct sj_hide_snapshot){ 0 };
}

int hide_prepare(const struct sj_settings *s, const struct sj_mount_plan *plan, struct sj_hide_list *out)
{
	struct sj_hide_snapshot snap;
	/* --gate-only has no mount namespace of its own to cover anything in. */
	if (s->other_sockets == SJ_OTHER_SOCKETS_VISIBLE || s->gate_only)
		return 0;
	struct dir_cache fast = { 0 };
	/* Abstract sockets are never covered: which scope applies does not matter here. */
	int r = snapshot(s, plan, false, &fast, &snap);
	dir_cache_free(&fast);
	if (r < 0)
		return r;
	*out = snap.hide;
	snap.hide = (struct sj_hide_list){ 0 };
	hide_snapshot_free(&snap);
	return 0;
}
