// SPDX-License-Identifier: MIT
#include "run_dir_share.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "cleanup.h"

static const char *marker_name(const struct sj_run_dir_share *sh)
{
	return sh->root ? "trusted.sockjail.run-dir" : "user.sockjail.run-dir";
}

static bool made_here(const struct sj_hostpath_made_list *made, dev_t dev, ino_t ino)
{
	for (size_t i = 0; made && i < made->n; i++)
		if (made->v[i].dev == dev && made->v[i].ino == ino)
			return true;
	return false;
}

int run_dir_share_hold(struct sj_run_dir_share *sh, int root_fd, const char *canon,
		       const struct sj_hostpath_made_list *made)
{
	char dir[PATH_MAX];
	const char *name;
	struct sj_hostpath_found pf;
	struct sj_hostpath_error e;
	struct stat st;
	int r;

	sh->root = geteuid() == 0;
	if ((r = hostpath_split(canon, dir, sizeof(dir), &name)) < 0)
		return r;
	/* canon has no symlink: a walk that meets one now refuses it. */
	if ((r = hostpath_open(root_fd, dir, SJ_HOSTPATH_NO_SYMLINKS | SJ_HOSTPATH_ACCEPT_DIR, NULL, NULL, &pf, &e)) < 0)
		return r;
	free(pf.canon);
	_cleanup_close_ int parent = pf.fd;
	_cleanup_close_ int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* Blocks only while the last user of it removes it: then it is gone, and the caller walks again. */
	while (flock(fd, LOCK_SH) < 0)
		if (errno != EINTR)
			return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (st.st_nlink == 0)
		return -ESTALE;
	bool ours = made_here(made, st.st_dev, st.st_ino);
	if (ours) {
		/* Best effort: without the marker a killed run's directory is only left behind. */
		(void)fsetxattr(fd, marker_name(sh), "1", 1, 0);
	} else {
		char v[2];
		ours = fgetxattr(fd, marker_name(sh), v, sizeof(v)) == 1 && v[0] == '1';
	}
	struct sj_run_dir_hold *nv = realloc(sh->v, (sh->n + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	sh->v = nv;
	char *n = strdup(name);
	if (!n)
		return -ENOMEM;
	sh->v[sh->n++] = (struct sj_run_dir_hold){ .fd = TAKE_FD(fd), .parent_fd = TAKE_FD(parent), .name = n,
						   .dev = st.st_dev, .ino = st.st_ino, .ours = ours };
	return 0;
}

size_t run_dir_share_fds(const struct sj_run_dir_share *sh, int *fds)
{
	size_t k = 0;
	for (size_t i = 0; i < sh->n; i++) {
		fds[k++] = sh->v[i].fd;
		fds[k++] = sh->v[i].parent_fd;
	}
	return k;
}

void run_dir_share_release(struct sj_run_dir_share *sh, struct sj_hostpath_made_list *made)
{
	for (size_t i = sh->n; i-- > 0;) {
		struct sj_run_dir_hold *h = &sh->v[i];
		/* Dealt with here, whatever the outcome: not again as one the walk made. */
		for (size_t j = 0; j < made->n; j++)
			if (made->v[j].dev == h->dev && made->v[j].ino == h->ino)
				made->v[j].ino = 0;
		/*
		 * Exclusive only if no other sockjail holds it shared. flock()
		 * converts by unlocking first, so one starting now may get in
		 * between: then we do not remove, and it will.
		 */
		if (h->ours && flock(h->fd, LOCK_EX | LOCK_NB) == 0)
			hostpath_remove_at(h->parent_fd, h->name, h->dev, h->ino);
		close(h->fd);
		close(h->parent_fd);
		free(h->name);
	}
	free(sh->v);
	sh->v = NULL;
	sh->n = 0;
	/* The run-dirs were dealt with above; around them, only what is empty now. */
	while (made->n > 0) {
		struct sj_hostpath_made *m = &made->v[--made->n];
		struct stat st;
		if (m->ino && fstatat(m->parent_fd, m->name, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_dev == m->dev &&
		    st.st_ino == m->ino)
			unlinkat(m->parent_fd, m->name, AT_REMOVEDIR);
		close(m->parent_fd);
		free(m->name);
	}
	free(made->v);
	made->v = NULL;
}
