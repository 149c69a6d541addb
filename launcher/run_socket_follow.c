// SPDX-License-Identifier: MIT
#include "run_socket_follow.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "fault.h"
#include "hostpath.h"
#include "log.h"
#include "util.h"

/* <linux/mount.h> clashes with glibc 2.36's <sys/mount.h>; the ABI is stable. */
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
struct sj_follow_mount_attr {
	unsigned long long attr_set, attr_clr, propagation, userns_fd;
};
#define SJ_FOLLOW_ATTR_RDONLY 0x00000001ULL

struct follow_entry {
	const char *path;  /* as given: where the sandbox has it */
	char *dir;         /* the symlink-free host directory holding it */
	char *name;        /* its last component there */
	bool optional;     /* --run-socket-optional */
	bool is_dir;       /* a directory of sockets rather than one socket */
	uid_t uid;         /* the owner a new one must have (not for optional) */
	int host_dir;      /* O_PATH of the parent directory, as the host sees it */
	int sandbox_dir;   /* the same directory, opened in the sandbox; -1 until sent */
	int wd;            /* inotify watch on host_dir */
	bool refused;      /* said once why the last one was not mounted; quiet until one is */
	bool pending;      /* an event named it in the batch being read */
	dev_t dev;         /* what the sandbox reaches now (0/0: the placeholder) */
	ino_t ino;
};

struct sj_follow {
	int ifd;
	int pidfd;
	bool userns;
	bool ready; /* the sandbox's mounts are done: ours may go on top */
	const char **dirs; /* e[i].dir, for the sandbox */
	size_t n;
	struct follow_entry e[];
};

static void entry_close(struct follow_entry *e)
{
	free(e->dir);
	free(e->name);
	if (e->host_dir >= 0)
		close(e->host_dir);
	if (e->sandbox_dir >= 0)
		close(e->sandbox_dir);
}

void run_socket_follow_free(struct sj_follow *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++)
		entry_close(&f->e[i]);
	if (f->ifd >= 0)
		close(f->ifd);
	free(f->dirs);
	free(f);
}

static int entry_open(struct sj_follow *f, struct follow_entry *e, const char *path, const char *canon, bool optional,
		      int root_fd, char *err, size_t errlen)
{
	char dir[PATH_MAX], fdpath[64];
	const char *name;
	struct sj_hostpath_found found;
	struct sj_hostpath_error he;
	struct stat st;
	int r;

	*e = (struct follow_entry){ .path = path, .optional = optional, .host_dir = -1, .sandbox_dir = -1, .wd = -1 };
	if ((r = hostpath_split(canon, dir, sizeof(dir), &name)) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(-r));
		return r;
	}
	if (!(e->dir = strdup(dir)) || !(e->name = strdup(name)))
		return -ENOMEM;
	/* canon has no symlink in it: one found now was put there since. */
	r = hostpath_open(root_fd, dir, SJ_HOSTPATH_NO_SYMLINKS | SJ_HOSTPATH_ACCEPT_DIR, NULL, NULL, &found, &he);
	if (r < 0) {
		hostpath_error_format(&he, err, errlen);
		return r;
	}
	free(found.canon);
	e->host_dir = found.fd;
	if (optional) {
		/* dev/ino 0: whatever is there once the sandbox is up is new to it. */
	} else if (fstatat(e->host_dir, e->name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		e->is_dir = S_ISDIR(st.st_mode);
		e->uid = st.st_uid;
		e->dev = st.st_dev;
		e->ino = st.st_ino;
	} else {
		r = -errno;
		snprintf(err, errlen, "--run-socket %s: %s", path, strerror(-r));
		return r;
	}
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", e->host_dir);
	e->wd = inotify_add_watch(f->ifd, fdpath, IN_CREATE | IN_MOVED_TO | IN_ONLYDIR);
	if (e->wd < 0) {
		r = -errno;
		snprintf(err, errlen, "%s: watching %s: %s", path, dir, strerror(-r));
		return r;
	}
	return 0;
}

/* An optional socket's directory must exist; it is walked as --run-socket's path is. */
static int optional_canon(const char *path, int root_fd, char *canon, size_t len, char *err, size_t errlen)
{
	char dir[PATH_MAX];
	const char *name;
	struct sj_hostpath_found found;
	struct sj_hostpath_error he;
	int r;

	if ((r = hostpath_split(path, dir, sizeof(dir), &name)) < 0) {
		snprintf(err, errlen, "--run-socket-optional %s: %s", path, strerror(-r));
		return r;
	}
	if ((r = hostpath_open(root_fd, dir, SJ_HOSTPATH_ACCEPT_DIR, NULL, NULL, &found, &he)) < 0) {
		char why[PATH_MAX + 256];
		hostpath_error_format(&he, why, sizeof(why));
		snprintf(err, errlen, "--run-socket-optional %s: %s (its directory must exist)", path, why);
		return r;
	}
	close(found.fd);
	int n = snprintf(canon, len, "%s/%s", strcmp(found.canon, "/") ? found.canon : "", name);
	free(found.canon);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/*
 * run_socket_follow_new() for n sockets. Not inlined: its frame (paths,
 * 17 KiB) would be the deepest of every start-up, a page fault of its own
 * even when nothing is followed.
 */
__attribute__((noinline)) static int follow_new(const struct sj_settings *s, const char *const *canon, int root_fd,
						struct sj_follow **out, size_t n, char *err, size_t errlen)
{
	int r;
	struct sj_follow *f = calloc(1, sizeof(*f) + n * sizeof(f->e[0]));
	if (!f)
		return -ENOMEM;
	f->pidfd = -1;
	f->ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (f->ifd < 0) {
		r = -errno;
		snprintf(err, errlen, "--run-socket: inotify: %s", strerror(-r));
		free(f);
		return r;
	}
	f->dirs = calloc(n, sizeof(*f->dirs));
	if (!f->dirs) {
		run_socket_follow_free(f);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++, f->n++) {
		bool optional = i >= s->run_sockets.n;
		const char *path = optional ? s->run_sockets_optional.v[i - s->run_sockets.n] : s->run_sockets.v[i];
		char opt_canon[PATH_MAX];
		if (optional && (r = optional_canon(path, root_fd, opt_canon, sizeof(opt_canon), err, errlen)) < 0) {
			run_socket_follow_free(f);
			return r;
		}
		r = entry_open(f, &f->e[f->n], path, optional ? opt_canon : canon[i], optional, root_fd, err, errlen);
		if (r < 0) {
			f->n++;
			run_socket_follow_free(f);
			return r;
		}
		f->dirs[f->n] = f->e[f->n].dir;
	}
	*out = f;
	return 0;
}

int run_socket_follow_new(const struct sj_settings *s, const char *const *canon, int root_fd, struct sj_follow **out,
			  char *err, size_t errlen)
{
	/* --learn shows the host's /run itself: nothing to follow for the optional ones. */
	size_t n = s->run_sockets.n + (s->learn ? 0 : s->run_sockets_optional.n);
	*out = NULL;
	return n == 0 ? 0 : follow_new(s, canon, root_fd, out, n, err, errlen);
}

const char *const *run_socket_follow_dirs(const struct sj_follow *f, size_t *n)
{
	*n = f ? f->n : 0;
	return f ? f->dirs : NULL;
}

void run_socket_follow_attach(struct sj_follow *f, int pidfd, bool userns)
{
	if (!f)
		return;
	f->pidfd = pidfd;
	f->userns = userns;
}

void run_socket_follow_take_dir(struct sj_follow *f, unsigned index, int fd)
{
	if (!f || index >= f->n) {
		close(fd);
		return;
	}
	if (f->e[index].sandbox_dir >= 0)
		close(f->e[index].sandbox_dir);
	f->e[index].sandbox_dir = fd;
}

int run_socket_follow_fd(const struct sj_follow *f)
{
	return f ? f->ifd : -1;
}

/*
 * In the helper, a child of the supervisor: enter the sandbox's user
 * (rootless) and mount namespaces, clone the new object from the
 * sandbox's own view of its directory, check it is what the supervisor
 * checked, and put it in place of the old mount. Returns 0 or an errno.
 */
static int remount_in_sandbox(const struct sj_follow *f, const struct follow_entry *e, const struct stat *want)
{
	struct sj_follow_mount_attr attr = { .attr_set = SJ_FOLLOW_ATTR_RDONLY };
	struct stat st;

	if (setns(f->pidfd, CLONE_NEWNS | (f->userns ? CLONE_NEWUSER : 0)) < 0)
		return errno;
	unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW | (e->is_dir ? AT_RECURSIVE : 0);
	int tree = (int)syscall(SYS_open_tree, e->sandbox_dir, e->name, flags);
	if (tree < 0)
		return errno;
	/* Replaced again since the supervisor looked: the next event will say. */
	if (fstat(tree, &st) < 0)
		return errno;
	if (st.st_dev != want->st_dev || st.st_ino != want->st_ino || (st.st_mode & S_IFMT) != (want->st_mode & S_IFMT))
		return ESTALE;
	if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return errno;
	/*
	 * Off first: the old mount's root is the unlinked socket, and the
	 * kernel refuses a mount on an unlinked dentry (ENOENT). What is under
	 * it is the mount point in the sandbox's /run. Nothing mounted (EINVAL)
	 * is fine: an optional socket's placeholder.
	 */
	if (umount2(e->path, MNT_DETACH) < 0 && errno != EINVAL)
		return errno;
	if (syscall(SYS_move_mount, tree, "", AT_FDCWD, e->path, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return errno;
	return 0;
}

static int remount(const struct sj_follow *f, const struct follow_entry *e, const struct stat *want)
{
	if (f->pidfd < 0 || e->sandbox_dir < 0)
		return -EAGAIN;
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(remount_in_sandbox(f, e, want));
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (!WIFEXITED(status))
		return -EIO;
	return -WEXITSTATUS(status);
}

static const char *type_name(mode_t m)
{
	if (S_ISLNK(m))
		return "a symbolic link";
	if (S_ISREG(m))
		return "a regular file";
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISSOCK(m))
		return "a socket";
	return "a special file";
}

/* The owner a new object may have: as at start-up, or (optional) root or the directory's. */
static bool owner_ok(const struct follow_entry *e, uid_t uid)
{
	struct stat dir;
	if (!e->optional)
		return uid == e->uid;
	if (uid == 0)
		return true;
	return fstat(e->host_dir, &dir) == 0 && dir.st_uid == uid;
}

/*
 * created: an event said something was made at the path. Then it is new
 * even with the same inode number as before (most file systems reuse a
 * freed one at once); only a rescan after lost events compares numbers.
 */
/* One line per refusal, until something is mounted again: a directory's owner cannot flood stderr. */
static void refuse(struct follow_entry *e, const struct stat *st, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void refuse(struct follow_entry *e, const struct stat *st, const char *fmt, ...)
{
	char line[PATH_MAX + 256];
	va_list ap;

	e->dev = st->st_dev;
	e->ino = st->st_ino;
	if (e->refused)
		return;
	e->refused = true;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_error("%s", line);
}

/*
 * created: an event said something was made at the path. Then it is new
 * even with the same inode number as before (most file systems reuse a
 * freed one at once); only a rescan after lost events compares numbers.
 */
static void follow_entry(struct sj_follow *f, struct follow_entry *e, bool created)
{
	const char *opt = e->optional ? "--run-socket-optional" : "--run-socket";
	struct stat st;

	if (fstatat(e->host_dir, e->name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return; /* gone again already */
	if (!created && st.st_dev == e->dev && st.st_ino == e->ino)
		return;
	bool want_dir = e->is_dir && !e->optional;
	if (want_dir ? !S_ISDIR(st.st_mode) : !S_ISSOCK(st.st_mode)) {
		refuse(e, &st, "%s %s: re-created as %s, not %s; not mounted", opt, e->path, type_name(st.st_mode),
		       want_dir ? "a directory" : "a socket");
		return;
	}
	if (!owner_ok(e, st.st_uid)) {
		if (e->optional)
			refuse(e, &st, "%s %s: created by uid %u, neither root nor the directory's owner; not mounted",
			       opt, e->path, (unsigned)st.st_uid);
		else
			refuse(e, &st, "%s %s: re-created by uid %u, not uid %u as at start-up; not mounted", opt,
			       e->path, (unsigned)st.st_uid, (unsigned)e->uid);
		return;
	}
	int r = remount(f, e, &st);
	/* Replaced again since we looked (the next event says by what), or the sandbox is gone. */
	if (r == -ESTALE || r == -ESRCH)
		return;
	e->dev = st.st_dev;
	e->ino = st.st_ino;
	if (r < 0) {
		refuse(e, &st, "%s %s: mounting the new %s in the sandbox: %s", opt, e->path,
		       e->is_dir ? "directory" : "socket", strerror(-r));
		return;
	}
	e->refused = false;
}

int run_socket_follow_ready(struct sj_follow *f, int sync_fd)
{
	if (f && !f->ready) {
		f->ready = true;
		fault_point("follow-first-look");
		/*
		 * What changed while the sandbox was being set up, and the
		 * optional sockets already there. The watch was armed before the
		 * sandbox existed, so anything made after this look is an event.
		 */
		for (size_t i = 0; i < f->n; i++)
			follow_entry(f, &f->e[i], false);
	}
	/* Init waits for this before it starts COMMAND. */
	return write_all(sync_fd, "r", 1);
}

void run_socket_follow_dispatch(struct sj_follow *f)
{
	_Alignas(struct inotify_event) char buf[16384];
	bool overflow = false;

	/*
	 * One read, then back to the supervisor's poll: someone creating
	 * files in the directory without pause must not keep it from the
	 * sandbox's exit or its bind() notifications. Each path is looked at
	 * once per batch, however many events named it.
	 */
	ssize_t n = read(f->ifd, buf, sizeof(buf));
	for (char *p = buf; n > 0 && p < buf + n;) {
		const struct inotify_event *ev = (const struct inotify_event *)p;
		p += sizeof(*ev) + ev->len;
		if (ev->mask & IN_Q_OVERFLOW)
			overflow = true;
		if (!ev->len)
			continue;
		for (size_t i = 0; i < f->n; i++)
			if (f->e[i].wd == ev->wd && strcmp(f->e[i].name, ev->name) == 0)
				f->e[i].pending = true;
	}
	for (size_t i = 0; i < f->n; i++) {
		/* Events were lost: look at every path. */
		if (f->ready && (f->e[i].pending || overflow))
			follow_entry(f, &f->e[i], f->e[i].pending);
		f->e[i].pending = false;
	}
}

int run_socket_follow_send_dirs(const struct sj_sandbox *sb)
{
	int r;

	_cleanup_close_ int root = hostpath_open_root();
	if (root < 0)
		return root;
	for (size_t i = 0; i < sb->n_follow_dirs; i++) {
		struct sj_hostpath_found found;
		struct sj_hostpath_error he;
		/* The supervisor's path has no symlink: one now was put there since. */
		r = hostpath_open(root, sb->follow_dirs[i], SJ_HOSTPATH_NO_SYMLINKS | SJ_HOSTPATH_ACCEPT_DIR, NULL, NULL,
				  &found, &he);
		if (r < 0)
			return r;
		free(found.canon);
		_cleanup_close_ int fd = found.fd;
		struct sj_follow_dir_msg m = { .magic = SJ_FOLLOW_DIR_MAGIC, .index = (unsigned)i };
		if ((r = send_fd_with(sb->sync[1], fd, &m, sizeof(m))) < 0)
			return r;
	}
	return 0;
}

int run_socket_follow_mounts_done(const struct sj_sandbox *sb)
{
	struct sj_follow_dir_msg m = { .magic = SJ_FOLLOW_READY_MAGIC };
	char answer;
	int r;

	if ((r = write_all(sb->sync[1], &m, sizeof(m))) < 0)
		return r;
	ssize_t n = read_all(sb->sync[1], &answer, 1);
	if (n < 0)
		return (int)n;
	return n == 1 && answer == 'r' ? 0 : -EPIPE;
}
