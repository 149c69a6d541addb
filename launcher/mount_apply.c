// SPDX-License-Identifier: MIT
/* Applying the mount plan: a short loop over the operations. */
#include "mount_plan.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "cleanup.h"
#include "hostpath.h"
#include "util.h"

/* <linux/mount.h> clashes with glibc 2.36's <sys/mount.h>; the ABI is stable. */
struct sj_mount_attr {
	unsigned long long attr_set, attr_clr, propagation, userns_fd;
};
#define SJ_MOUNT_ATTR_RDONLY 0x00000001ULL
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

static int mkdir_p(const char *path, mode_t mode)
{
	char buf[4096];
	if (copy_string(buf, sizeof(buf), path) < 0)
		return -ENAMETOOLONG;
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* Create dst as a directory or an empty file, matching what will cover it. */
static int make_mount_point(const char *dst, bool dir)
{
	char parent[4096];
	if (copy_string(parent, sizeof(parent), dst) < 0)
		return -ENAMETOOLONG;
	char *slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = '\0';
		int r = mkdir_p(parent, 0755);
		if (r < 0)
			return r;
	}
	if (dir)
		return mkdir(dst, 0755) < 0 && errno != EEXIST ? -errno : 0;
	int fd = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0444);
	if (fd < 0)
		return errno == EEXIST ? 0 : -errno;
	close(fd);
	return 0;
}

/*
 * Read-only, recursively. mount_setattr() (5.12+) keeps the flags the
 * kernel locked for a less privileged user namespace; the old remount has
 * to repeat them or fail with EPERM.
 */
static int make_readonly(const char *dst, bool recursive)
{
	struct sj_mount_attr attr = { .attr_set = SJ_MOUNT_ATTR_RDONLY };
	if (syscall(SYS_mount_setattr, AT_FDCWD, dst, recursive ? AT_RECURSIVE : 0, &attr, sizeof(attr)) == 0)
		return 0;
	if (errno != ENOSYS)
		return -errno;
	struct statvfs sv;
	if (statvfs(dst, &sv) < 0)
		return -errno;
	unsigned long keep = sv.f_flag & (ST_NOSUID | ST_NODEV | ST_NOEXEC | ST_NOATIME | ST_NODIRATIME | ST_RELATIME);
	if (mount(NULL, dst, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | keep, NULL) < 0)
		return -errno;
	return 0;
}

/* A socket file in our /run tmpfs that nobody listens on: connect() gets ECONNREFUSED. */
static int make_socket_stub(const char *dst)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char parent[4096];
	int r;

	if (strlen(dst) >= sizeof(sa.sun_path) || copy_string(parent, sizeof(parent), dst) < 0)
		return -ENAMETOOLONG;
	char *slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = '\0';
		if ((r = mkdir_p(parent, 0755)) < 0)
			return r;
	}
	memcpy(sa.sun_path, dst, strlen(dst) + 1);
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (const struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	/* Anyone in the sandbox may try it, as the real one will allow. */
	return chmod(dst, 0666) < 0 ? -errno : 0;
}

/*
 * "mode=0755", without printf: the tmpfs on /run is the one mount every
 * sandbox makes, and the first call into glibc's printf machinery faults
 * in several pages of code in the sandbox's new process, about 80 µs of
 * each start-up on the benchmark machine (README.md, "Benchmarks").
 */
static void tmpfs_mode_option(char out[16], mode_t mode)
{
	unsigned m = (unsigned)mode & 07777;
	memcpy(out, "mode=", 5);
	for (int i = 0; i < 4; i++)
		out[5 + i] = (char)('0' + ((m >> (3 * (3 - i))) & 7));
	out[9] = '\0';
}

static int apply_one(const struct sj_mount_op *o, int src_fd)
{
	char src[64];
	struct stat st;
	int r;

	switch (o->kind) {
	case SJ_MOP_MAKE_SLAVE:
		/* Slave, not private: host mounts still appear, ours never go back. */
		return mount(NULL, o->dst, NULL, MS_REC | MS_SLAVE, NULL) < 0 ? -errno : 0;
	case SJ_MOP_TMPFS: {
		char opts[16];
		if (o->create_dst && (r = make_mount_point(o->dst, true)) < 0)
			return r;
		tmpfs_mode_option(opts, o->mode);
		if (mount("tmpfs", o->dst, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
			return -errno;
		return 0;
	}
	case SJ_MOP_BIND:
		if (fstat(src_fd, &st) < 0)
			return -errno;
		if (o->create_dst && (r = make_mount_point(o->dst, S_ISDIR(st.st_mode))) < 0)
			return r;
		fd_path(src, sizeof(src), "/proc/self/fd/", src_fd);
		if (mount(src, o->dst, NULL, MS_BIND | MS_REC, NULL) < 0)
			return -errno;
		return o->readonly ? make_readonly(o->dst, true) : 0;
	case SJ_MOP_REMOUNT_RO:
		return make_readonly(o->dst, false);
	case SJ_MOP_SYSFS:
		if (mount("sysfs", o->dst, "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == 0)
			return 0;
		/*
		 * A container that masks paths under /sys makes the kernel refuse
		 * a fresh sysfs in a user namespace. The documented fallback: the
		 * container's own /sys, bound recursively and read-only, masks
		 * included (so /sys/class/net lists the container's interfaces).
		 */
		if (errno != EPERM)
			return -errno;
		if (mount(o->dst, o->dst, NULL, MS_BIND | MS_REC, NULL) < 0)
			return -errno;
		return make_readonly(o->dst, true);
	case SJ_MOP_PROC:
		if (mount("proc", o->dst, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
			return -errno;
		return 0;
	case SJ_MOP_SOCKET_STUB:
		return make_socket_stub(o->dst);
	}
	return -EINVAL;
}

/*
 * The source the supervisor checked on the host, or -ESTALE: the path it
 * resolved to, walked again here following no symlink at all (not even
 * root's: it has none, unless one was put there since), must still lead
 * to the same inode. The supervisor's own fd cannot be the source: the
 * kernel binds only from a mount of the caller's mount namespace (EINVAL
 * from the supervisor's), and rootless the supervisor may not
 * open_tree(OPEN_TREE_CLONE) a copy. The inode check makes this fd the
 * one checked, and /proc/self/fd/N mounts exactly it.
 */
static int open_pinned(const struct sj_mount_op *o)
{
	struct sj_hostpath_found f;
	struct sj_hostpath_error e;
	_cleanup_close_ int root = hostpath_open_root();
	if (root < 0)
		return root;
	int r = hostpath_open(root, o->pinned, SJ_HOSTPATH_NO_SYMLINKS, NULL, NULL, &f, &e);
	if (r < 0)
		return e.reason == SJ_HOSTPATH_LOOKUP && r != -ENOENT ? r : -ESTALE;
	if (f.dev != o->pinned_dev || f.ino != o->pinned_ino) {
		hostpath_found_free(&f);
		return -ESTALE;
	}
	free(f.canon);
	return f.fd;
}

int mount_apply(const struct sj_mount_plan *plan, size_t *failed)
{
	/* Default plans are a handful of steps: no malloc (whose first call faults in pages here). */
	int small[16];
	_cleanup_free_ int *big = plan->n > ARRAY_SIZE(small) ? calloc(plan->n, sizeof(int)) : NULL;
	int *fds = plan->n > ARRAY_SIZE(small) ? big : small;
	int r = 0;
	size_t i, opened = 0;

	if (!fds)
		return -ENOMEM;
	/*
	 * Sources as the caller sees them, before /run or anything else is
	 * covered. Each slot is set here, not by a loop of its own, which the
	 * compiler makes a memset() call: two more pages to fault in.
	 */
	for (i = 0; i < plan->n; i++, opened++) {
		fds[i] = -1;
		if (plan->ops[i].kind != SJ_MOP_BIND)
			continue;
		if (plan->ops[i].pinned)
			fds[i] = open_pinned(&plan->ops[i]);
		else if ((fds[i] = open(plan->ops[i].src, O_PATH | O_CLOEXEC)) < 0)
			fds[i] = -errno;
		if (fds[i] < 0) {
			r = fds[i];
			fds[i] = -1;
			goto out;
		}
	}
	/*
	 * Mount points made in our tmpfses are 0755 whatever the caller's
	 * umask: COMMAND may run as another uid and must get through them to
	 * its --run-dir. It gets the caller's umask back.
	 */
	mode_t old_umask = umask(0022);
	for (i = 0; i < plan->n; i++)
		if ((r = apply_one(&plan->ops[i], fds[i])) < 0)
			break;
	umask(old_umask);
out:
	if (r < 0)
		*failed = i;
	for (size_t j = 0; j < opened; j++)
		if (fds[j] >= 0)
			close(fds[j]);
	return r;
}
