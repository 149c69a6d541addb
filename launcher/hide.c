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

static int decide_one(const struct sj_settings *s, const struct sj_mount_plan *plan, bool abstract_scoped,
		      struct sj_sock_item *it)
{
	const struct sj_unix_sock *u = it->sock;
	if (u->abstract) {
		hide_decide_abstract(s, abstract_scoped, &it->fate);
		return 0;
	}
	int r = locate(u, &it->host_path, &it->st);
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

int hide_snapshot(const struct sj_settings *s, const struct sj_mount_plan *plan, bool abstract_scoped,
		  struct sj_hide_snapshot *out)
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
		if ((r = decide_one(s, plan, abstract_scoped, it)) < 0)
			goto fail;
		if (it->fate.reach == SJ_REACH_HIDDEN &&
		    (r = hide_list_add(&snap.hide, it->fate.sandbox_path, it->st.st_ino)) < 0)
			goto fail;
	}
	*out = snap;
	return 0;
fail:
	hide_snapshot_free(&snap);
	return r;
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
	if (s->other_sockets == SJ_OTHER_SOCKETS_VISIBLE)
		return 0;
	/* Abstract sockets are never covered: which scope applies does not matter here. */
	int r = hide_snapshot(s, plan, false, &snap);
	if (r < 0)
		return r;
	*out = snap.hide;
	snap.hide = (struct sj_hide_list){ 0 };
	hide_snapshot_free(&snap);
	return 0;
}
