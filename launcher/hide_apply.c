// SPDX-License-Identifier: MIT
/*
 * Covering the hidden sockets, in the sandbox's mount namespace (its
 * init, after the mount plan, before COMMAND exists).
 *
 * The cover is an unbound socket file (mknod S_IFSOCK, mode 0666) on a
 * tiny tmpfs made read-only: connect() and sendto() to it find a socket
 * inode with no socket behind it and fail with ECONNREFUSED, as for a
 * stale socket file. A regular file would not do: the kernel checks for
 * write permission first, and a read-only regular file gives EROFS or
 * EACCES. COMMAND cannot remove or replace the cover (it is a mount
 * point, on a read-only superblock), nor unmount it: it has no
 * capabilities, and in a user namespace of its own the kernel locks the
 * mounts it inherits together (MNT_LOCKED), so that neither umount nor a
 * non-recursive bind of the directory shows what lies beneath.
 */
#include "hide.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"

#define COVER_NAME "cover"

/* Where the tmpfs goes for a moment on kernels that cannot clone from a detached mount. */
#define FALLBACK_MOUNTPOINT "/run"

/*
 * The tmpfs is made detached (fsmount) and each cover is a clone of its
 * one file. Nothing of it is ever attached but the covers: no scratch
 * mount point to remove afterwards, which would cost an RCU grace period
 * (milliseconds on a busy machine) in every start-up.
 */
static int make_cover_fs(int *mnt_fd)
{
	_cleanup_close_ int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0)
		return -errno;
	if (fsconfig(fs, FSCONFIG_SET_STRING, "size", "4k", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "nr_inodes", "4", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -errno;
	_cleanup_close_ int mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	if (mnt < 0)
		return -errno;
	/* 0666 whatever the umask: every uid gets ECONNREFUSED, not EACCES. */
	if (mknodat(mnt, COVER_NAME, S_IFSOCK | 0666, 0) < 0 || fchmodat(mnt, COVER_NAME, 0666, 0) < 0)
		return -errno;
	/* Read-only superblock: no chmod, no new names, whatever mount shows it. */
	if (fsconfig(fs, FSCONFIG_SET_FLAG, "ro", NULL, 0) < 0 || fsconfig(fs, FSCONFIG_CMD_RECONFIGURE, NULL, NULL, 0) < 0)
		return -errno;
	*mnt_fd = TAKE_FD(mnt);
	return 0;
}

/*
 * A new mount of the cover. Before Linux 6.15 open_tree() clones only
 * from mounts in our own namespace (EINVAL): then the tmpfs is attached
 * for the time of the covers, on FALLBACK_MOUNTPOINT, once.
 */
static int clone_cover(int mnt_fd, bool *attached)
{
	int tree = open_tree(mnt_fd, COVER_NAME, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree >= 0 || errno != EINVAL || *attached)
		return tree >= 0 ? tree : -errno;
	if (move_mount(mnt_fd, "", AT_FDCWD, FALLBACK_MOUNTPOINT, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return -errno;
	*attached = true;
	tree = open_tree(mnt_fd, COVER_NAME, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	return tree >= 0 ? tree : -errno;
}

/*
 * Cover the path if it is still the socket start-up saw. It is opened
 * without following symlinks and checked on the fd, and the mount goes on
 * that fd: a directory renamed or replaced meanwhile makes us skip the
 * entry, never cover something else.
 */
static int cover_one(const struct sj_hide_entry *e, int mnt_fd, bool *attached)
{
	struct open_how how = { .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
				.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	struct stat st;

	_cleanup_close_ int fd = (int)syscall(SYS_openat2, AT_FDCWD, e->path, &how, sizeof(how));
	if (fd < 0) {
		/* Gone, or no longer where it was: nothing of it to cover. */
		if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP || errno == EXDEV || errno == EACCES)
			return 0;
		return -errno;
	}
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISSOCK(st.st_mode) || st.st_ino != e->ino)
		return 0;
	_cleanup_close_ int tree = clone_cover(mnt_fd, attached);
	if (tree < 0)
		return tree;
	if (move_mount(tree, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return -errno;
	return 0;
}

int hide_apply(const struct sj_hide_list *l, size_t *failed)
{
	int mnt_fd = -1;
	bool attached = false;
	int r;

	*failed = SIZE_MAX;
	if (l->n == 0)
		return 0;
	if ((r = make_cover_fs(&mnt_fd)) < 0)
		return r;
	for (size_t i = 0; i < l->n; i++)
		if ((r = cover_one(&l->v[i], mnt_fd, &attached)) < 0) {
			*failed = i;
			break;
		}
	/* The covers keep the tmpfs alive; the mount point is the plan's own again. */
	if (attached && umount2(FALLBACK_MOUNTPOINT, MNT_DETACH) < 0 && r >= 0)
		r = -errno;
	/*
	 * mnt_fd is left open (close-on-exec, so COMMAND never has it):
	 * closing the last reference to a detached mount unmounts it, which
	 * waits for an RCU grace period, milliseconds on a busy machine, in
	 * every start-up. It goes with the sandbox's init instead.
	 */
	return r;
}
