// SPDX-License-Identifier: MIT
/* Host path handling: fd walks, creation, cleanup (see hostpath.h). */
#include "hostpath.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"

/* --- pure ------------------------------------------------------------------ */

int hostpath_normalize(const char *path, char *out, size_t len)
{
	size_t n = 0;

	if (!path || path[0] != '/')
		return -EINVAL;
	if (len < 2)
		return -ENAMETOOLONG;
	for (const char *p = path; *p;) {
		while (*p == '/')
			p++;
		const char *c = p;
		while (*p && *p != '/')
			p++;
		size_t cl = (size_t)(p - c);
		if (cl == 0 || (cl == 1 && c[0] == '.'))
			continue;
		if (cl == 2 && c[0] == '.' && c[1] == '.') {
			while (n > 0 && out[n] != '/')
				n--;
			/* Cut at the slash before the last component (or at 0), for the next "..". */
			out[n] = '\0';
			continue;
		}
		if (n + 1 + cl >= len)
			return -ENAMETOOLONG;
		out[n++] = '/';
		memcpy(out + n, c, cl);
		n += cl;
		out[n] = '\0';
	}
	if (n == 0)
		out[n++] = '/';
	out[n] = '\0';
	return 0;
}

int hostpath_follow_link(const char *dir, const char *target, const char *rest, char *out, size_t len)
{
	if (!target[0])
		return -EINVAL;
	size_t need = strlen(dir) + strlen(target) + strlen(rest) + 3;
	_cleanup_free_ char *joined = malloc(need);
	if (!joined)
		return -ENOMEM;
	/* An absolute target starts again from the root; a relative one from the link's directory. */
	if (target[0] == '/')
		snprintf(joined, need, "%s/%s", target, rest);
	else
		snprintf(joined, need, "%s/%s/%s", dir, target, rest);
	return hostpath_normalize(joined, out, len);
}

bool hostpath_symlink_acceptable(const struct stat *st)
{
	return S_ISLNK(st->st_mode) && st->st_uid == 0;
}

int hostpath_split(const char *path, char *dir, size_t len, const char **name)
{
	const char *slash = strrchr(path, '/');
	if (!slash || !slash[1])
		return -EINVAL;
	size_t dl = slash == path ? 1 : (size_t)(slash - path);
	if (dl >= len)
		return -ENAMETOOLONG;
	memcpy(dir, path, dl);
	dir[dl] = '\0';
	*name = slash + 1;
	return 0;
}

static const char *type_name(mode_t type)
{
	switch (type & S_IFMT) {
	case S_IFREG:
		return "a regular file";
	case S_IFDIR:
		return "a directory";
	case S_IFLNK:
		return "a symlink";
	case S_IFSOCK:
		return "a socket";
	case S_IFIFO:
		return "a FIFO";
	case S_IFCHR:
		return "a character device";
	case S_IFBLK:
		return "a block device";
	}
	return "of an unknown type";
}

void hostpath_error_format(const struct sj_hostpath_error *e, char *buf, size_t len)
{
	switch (e->reason) {
	case SJ_HOSTPATH_OK:
		snprintf(buf, len, "no error");
		break;
	case SJ_HOSTPATH_INVALID:
		snprintf(buf, len, "not an absolute path of at most %d bytes", PATH_MAX - 1);
		break;
	case SJ_HOSTPATH_LOOKUP:
		snprintf(buf, len, "%s: %s", e->at, strerror(e->err));
		break;
	case SJ_HOSTPATH_NOT_DIR:
		snprintf(buf, len, "%s: Not a directory", e->at);
		break;
	case SJ_HOSTPATH_SYMLINK_OWNER:
		snprintf(buf, len,
			 "%s is a symlink owned by uid %u, not root; sockjail follows only root's symlinks on the "
			 "host: give the path it should resolve to",
			 e->at, (unsigned)e->owner);
		break;
	case SJ_HOSTPATH_SYMLINK:
		snprintf(buf, len, "%s became a symlink after sockjail checked the path; refusing to follow it",
			 e->at);
		break;
	case SJ_HOSTPATH_LOOP:
		snprintf(buf, len, "more than %d symlinks to follow at %s: Too many levels of symbolic links",
			 SJ_HOSTPATH_MAX_LINKS, e->at);
		break;
	case SJ_HOSTPATH_CREATE:
		snprintf(buf, len, "creating %s: %s", e->at, strerror(e->err));
		break;
	case SJ_HOSTPATH_REPLACED:
		snprintf(buf, len,
			 "%s was replaced between its creation and its use (someone else can write to its "
			 "parent directory); refusing to use it: create it yourself, or pick a directory "
			 "only root can write to",
			 e->at);
		break;
	case SJ_HOSTPATH_SET_OWNER:
		snprintf(buf, len, "setting the owner and mode of %s: %s", e->at, strerror(e->err));
		break;
	case SJ_HOSTPATH_TYPE:
		snprintf(buf, len, "%s is %s, not a socket or a directory", e->at, type_name(e->type));
		break;
	}
}

/* N from the decimal digits that make up all of s, or -1. */
static int fd_number(const char *s)
{
	long n = 0;
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || n > (INT_MAX - 9) / 10)
			return -1;
		n = n * 10 + (*s - '0');
	}
	return (int)n;
}

int hostpath_own_fd(const char *path)
{
	static const char *const dirs[] = { "/dev/fd/", "/proc/self/fd/" };
	if (strcmp(path, "/dev/stdout") == 0)
		return 1;
	if (strcmp(path, "/dev/stderr") == 0)
		return 2;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (strncmp(path, dirs[i], strlen(dirs[i])) == 0)
			return fd_number(path + strlen(dirs[i]));
	return -1;
}

/* --- on the host -------------------------------------------------------------- */

int hostpath_open_root(void)
{
	int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/*
 * One component, never following a symlink: the link itself comes back
 * as an O_PATH fd (openat2 does so for O_PATH | O_NOFOLLOW), and the
 * caller decides. openat2() also refuses magic links; where it is missing
 * (ENOSYS: before 5.6, or a seccomp profile), openat(O_NOFOLLOW) on a
 * single component does the same for ordinary symlinks.
 */
static int open_component(int dirfd, const char *name)
{
	static int have_openat2 = 1;
	if (have_openat2) {
		struct open_how how = {
			.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
			.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
		};
		long fd = syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
		if (fd >= 0)
			return (int)fd;
		if (errno != ENOSYS)
			return -errno;
		have_openat2 = 0;
	}
	int fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int made_push(struct sj_hostpath_made_list *l, int parent_fd, const char *name, const struct stat *st)
{
	struct sj_hostpath_made *v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	l->v = v;
	_cleanup_close_ int pfd = fcntl(parent_fd, F_DUPFD_CLOEXEC, 3);
	if (pfd < 0)
		return -errno;
	char *n = strdup(name);
	if (!n)
		return -ENOMEM;
	v[l->n++] = (struct sj_hostpath_made){ .parent_fd = TAKE_FD(pfd), .name = n, .dev = st->st_dev, .ino = st->st_ino };
	return 0;
}

static void set_at(struct sj_hostpath_error *e, const char *canon, const char *name)
{
	snprintf(e->at, sizeof(e->at), "%s%s%s", canon, strcmp(canon, "/") && name[0] ? "/" : "", name);
}

static int fail(struct sj_hostpath_error *e, enum sj_hostpath_reason reason, int err)
{
	e->reason = reason;
	e->err = err;
	return err ? -err : -EPERM;
}

static bool dir_is_empty(int fd)
{
	int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return false;
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return false;
	}
	struct dirent *de;
	bool empty = true;
	while (empty && (de = readdir(d)))
		empty = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..");
	closedir(d);
	return empty;
}

/*
 * Make dirfd/name and open it. The fd is the one fchown/fchmod act on, so
 * nothing done here goes through the name after mkdirat(); O_NOFOLLOW and
 * the checks make sure it is the directory we made, not a symlink or
 * another directory put in its place in between: one that we (the
 * caller's euid) own, on the same filesystem, and empty, so that even a
 * directory of ours moved there by whoever can write to the parent has
 * nothing in it that changing its owner would hand over. It is made
 * 0700 and only then given its owner and mode: nobody else can put
 * anything in it before that.
 */
static int make_dir(int dirfd, const char *name, const struct sj_hostpath_mkdir *mk,
		    struct sj_hostpath_made_list *made, struct stat *st, struct sj_hostpath_error *e)
{
	if (mkdirat(dirfd, name, 0700) < 0)
		return errno == EEXIST ? -EEXIST : fail(e, SJ_HOSTPATH_CREATE, errno);
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ELOOP || errno == ENOTDIR || errno == ENOENT ? fail(e, SJ_HOSTPATH_REPLACED, 0)
									       : fail(e, SJ_HOSTPATH_LOOKUP, errno);
	struct stat parent;
	if (fstat(fd, st) < 0 || fstat(dirfd, &parent) < 0)
		return fail(e, SJ_HOSTPATH_LOOKUP, errno);
	if (!S_ISDIR(st->st_mode) || st->st_uid != geteuid() || st->st_dev != parent.st_dev || !dir_is_empty(fd))
		return fail(e, SJ_HOSTPATH_REPLACED, 0);
	/* Recorded first: from here on it is ours to remove, whatever fails next. */
	int r = made_push(made, dirfd, name, st);
	if (r < 0)
		return fail(e, SJ_HOSTPATH_CREATE, -r);
	if (mk->chown && fchown(fd, mk->uid, mk->gid) < 0)
		return fail(e, SJ_HOSTPATH_SET_OWNER, errno);
	/* mkdirat() applied our umask: the mode is set on the fd, as asked. */
	if (fchmod(fd, mk->mode) < 0)
		return fail(e, SJ_HOSTPATH_SET_OWNER, errno);
	if (fstat(fd, st) < 0)
		return fail(e, SJ_HOSTPATH_LOOKUP, errno);
	return TAKE_FD(fd);
}

static bool type_accepted(unsigned flags, mode_t mode)
{
	if (!(flags & (SJ_HOSTPATH_ACCEPT_DIR | SJ_HOSTPATH_ACCEPT_SOCK)))
		return true;
	return ((flags & SJ_HOSTPATH_ACCEPT_DIR) && S_ISDIR(mode)) || ((flags & SJ_HOSTPATH_ACCEPT_SOCK) && S_ISSOCK(mode));
}

/*
 * One pass over path (normalised) from the root. Returns 0 with *found
 * filled, 1 with the path to walk next in path (a symlink was
 * substituted), or a negative errno with *e filled.
 */
static int walk_once(int root_fd, char *path, size_t path_len, unsigned flags, const struct sj_hostpath_mkdir *mk,
		     struct sj_hostpath_made_list *made, struct sj_hostpath_found *found, struct sj_hostpath_error *e)
{
	char canon[PATH_MAX] = "/", name[NAME_MAX + 1];
	_cleanup_close_ int dirfd = -1;
	struct stat st;
	int r;

	if (fstat(root_fd, &st) < 0)
		return fail(e, SJ_HOSTPATH_LOOKUP, errno);
	for (const char *p = path + 1; *p;) {
		const char *c = p;
		while (*p && *p != '/')
			p++;
		size_t cl = (size_t)(p - c);
		if (*p == '/')
			p++;
		if (cl > NAME_MAX)
			return set_at(e, canon, ""), fail(e, SJ_HOSTPATH_LOOKUP, ENAMETOOLONG);
		memcpy(name, c, cl);
		name[cl] = '\0';
		bool last = !*p;
		int here = dirfd >= 0 ? dirfd : root_fd;

		set_at(e, canon, name);
		_cleanup_close_ int fd = open_component(here, name);
		if (fd == -ENOENT && (flags & SJ_HOSTPATH_MKDIR) && mk && made) {
			fd = make_dir(here, name, mk, made, &st, e);
			if (fd == -EEXIST) /* made by someone else meanwhile: look at it as it is */
				fd = open_component(here, name);
			else if (fd < 0)
				return fd;
		}
		if (fd < 0)
			return fail(e, SJ_HOSTPATH_LOOKUP, -fd);
		if (fstat(fd, &st) < 0)
			return fail(e, SJ_HOSTPATH_LOOKUP, errno);
		if (S_ISLNK(st.st_mode)) {
			if (flags & SJ_HOSTPATH_NO_SYMLINKS)
				return fail(e, SJ_HOSTPATH_SYMLINK, 0);
			if (!hostpath_symlink_acceptable(&st)) {
				e->owner = st.st_uid;
				return fail(e, SJ_HOSTPATH_SYMLINK_OWNER, 0);
			}
			char target[PATH_MAX];
			ssize_t n = readlinkat(fd, "", target, sizeof(target));
			if (n < 0)
				return fail(e, SJ_HOSTPATH_LOOKUP, errno);
			if ((size_t)n >= sizeof(target))
				return fail(e, SJ_HOSTPATH_LOOKUP, ENAMETOOLONG);
			target[n] = '\0';
			char next[PATH_MAX];
			if ((r = hostpath_follow_link(canon, target, p, next, sizeof(next))) < 0)
				return fail(e, SJ_HOSTPATH_LOOKUP, -r);
			snprintf(path, path_len, "%s", next);
			return 1;
		}
		if (!last && !S_ISDIR(st.st_mode))
			return fail(e, SJ_HOSTPATH_NOT_DIR, 0);
		size_t len = strlen(canon);
		if (snprintf(canon + len, sizeof(canon) - len, "%s%s", len > 1 ? "/" : "", name) >=
		    (int)(sizeof(canon) - len))
			return fail(e, SJ_HOSTPATH_LOOKUP, ENAMETOOLONG);
		if (dirfd >= 0)
			close(dirfd);
		dirfd = TAKE_FD(fd);
	}
	snprintf(e->at, sizeof(e->at), "%s", canon);
	if (dirfd < 0 && (dirfd = fcntl(root_fd, F_DUPFD_CLOEXEC, 3)) < 0)
		return fail(e, SJ_HOSTPATH_LOOKUP, errno);
	if (!type_accepted(flags, st.st_mode)) {
		e->type = st.st_mode & S_IFMT;
		return fail(e, SJ_HOSTPATH_TYPE, 0);
	}
	char *dup = strdup(canon);
	if (!dup)
		return fail(e, SJ_HOSTPATH_LOOKUP, ENOMEM);
	*found = (struct sj_hostpath_found){
		.fd = TAKE_FD(dirfd), .dev = st.st_dev, .ino = st.st_ino, .mode = st.st_mode, .canon = dup
	};
	return 0;
}

int hostpath_open(int root_fd, const char *path, unsigned flags, const struct sj_hostpath_mkdir *mk,
		  struct sj_hostpath_made_list *made, struct sj_hostpath_found *found, struct sj_hostpath_error *e)
{
	char cur[PATH_MAX];
	int r;

	*e = (struct sj_hostpath_error){ .reason = SJ_HOSTPATH_OK };
	if (hostpath_normalize(path, cur, sizeof(cur)) < 0) {
		snprintf(e->at, sizeof(e->at), "%s", path);
		return fail(e, SJ_HOSTPATH_INVALID, EINVAL);
	}
	for (int links = 0;; links++) {
		if (links > SJ_HOSTPATH_MAX_LINKS)
			return fail(e, SJ_HOSTPATH_LOOP, 0);
		r = walk_once(root_fd, cur, sizeof(cur), flags, mk, made, found, e);
		if (r <= 0)
			return r;
	}
}

void hostpath_found_free(struct sj_hostpath_found *f)
{
	if (f->fd >= 0)
		close(f->fd);
	free(f->canon);
	*f = (struct sj_hostpath_found){ .fd = -1 };
}

int hostpath_open_output(int root_fd, const char *path, bool append, struct sj_hostpath_error *e)
{
	char want[PATH_MAX], dir[PATH_MAX];
	const char *name;
	int fd, r;

	*e = (struct sj_hostpath_error){ .reason = SJ_HOSTPATH_OK };
	snprintf(e->at, sizeof(e->at), "%s", path);
	if (path[0] == '/') {
		r = snprintf(want, sizeof(want), "%s", path);
	} else {
		char cwd[PATH_MAX];
		if (!getcwd(cwd, sizeof(cwd)))
			return fail(e, SJ_HOSTPATH_LOOKUP, errno);
		r = snprintf(want, sizeof(want), "%s/%s", cwd, path);
	}
	if (r < 0 || (size_t)r >= sizeof(want))
		return fail(e, SJ_HOSTPATH_LOOKUP, ENAMETOOLONG);
	for (int links = 0; links <= SJ_HOSTPATH_MAX_LINKS; links++) {
		char norm[PATH_MAX], target[PATH_MAX];
		struct sj_hostpath_found found;
		struct stat st;

		if (hostpath_normalize(want, norm, sizeof(norm)) < 0 || hostpath_split(norm, dir, sizeof(dir), &name) < 0) {
			snprintf(e->at, sizeof(e->at), "%s", want);
			return fail(e, SJ_HOSTPATH_INVALID, EINVAL);
		}
		if ((fd = hostpath_own_fd(norm)) >= 0) {
			fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
			return fd < 0 ? fail(e, SJ_HOSTPATH_LOOKUP, errno) : fd;
		}
		if ((r = hostpath_open(root_fd, dir, SJ_HOSTPATH_ACCEPT_DIR, NULL, NULL, &found, e)) < 0)
			return r;
		_cleanup_close_ int dirfd = found.fd;
		_cleanup_free_ char *canon = found.canon;
		set_at(e, canon, name);
		if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
			if (!hostpath_symlink_acceptable(&st)) {
				e->owner = st.st_uid;
				return fail(e, SJ_HOSTPATH_SYMLINK_OWNER, 0);
			}
			/* Root's: go on from its target, which need not exist yet (fopen() would create it). */
			ssize_t n = readlinkat(dirfd, name, target, sizeof(target));
			if (n < 0)
				return fail(e, SJ_HOSTPATH_LOOKUP, errno);
			if ((size_t)n >= sizeof(target))
				return fail(e, SJ_HOSTPATH_LOOKUP, ENAMETOOLONG);
			target[n] = '\0';
			if ((r = hostpath_follow_link(canon, target, "", want, sizeof(want))) < 0)
				return fail(e, SJ_HOSTPATH_LOOKUP, -r);
			continue;
		}
		fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC | (append ? O_APPEND : O_TRUNC),
			    0666);
		if (fd >= 0)
			return fd;
		/* ELOOP: a symlink was put there since fstatat() looked. */
		return errno == ELOOP ? fail(e, SJ_HOSTPATH_SYMLINK, 0) : fail(e, SJ_HOSTPATH_LOOKUP, errno);
	}
	return fail(e, SJ_HOSTPATH_LOOP, 0);
}

/*
 * Deeper than this, a tree the sandbox built is left in place rather than
 * risk running out of stack or fds while removing it.
 */
#define REMOVE_MAX_DEPTH 256

/*
 * Empty the directory dirfd (on device dev): unlinkat() relative to fds
 * opened with O_NOFOLLOW, so a symlink inside is removed, never followed;
 * a directory on another device (a mount point) is left alone.
 */
static void empty_dir(int dirfd, dev_t dev, int depth)
{
	int fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 3);
	if (fd < 0)
		return;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		struct stat st;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (!S_ISDIR(st.st_mode)) {
			unlinkat(dirfd, de->d_name, 0);
			continue;
		}
		if (st.st_dev != dev || depth >= REMOVE_MAX_DEPTH)
			continue;
		_cleanup_close_ int sub = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		struct stat sst;
		if (sub < 0 || fstat(sub, &sst) < 0 || sst.st_dev != st.st_dev || sst.st_ino != st.st_ino)
			continue;
		empty_dir(sub, dev, depth + 1);
		unlinkat(dirfd, de->d_name, AT_REMOVEDIR);
	}
	closedir(d);
}

int hostpath_remove_at(int parent_fd, const char *name, dev_t dev, ino_t ino)
{
	struct stat st;
	if (fstatat(parent_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (st.st_dev != dev || st.st_ino != ino)
		return -ESTALE;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(parent_fd, name, 0) < 0 ? -errno : 0;
	_cleanup_close_ int fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (st.st_dev != dev || st.st_ino != ino)
		return -ESTALE;
	empty_dir(fd, dev, 0);
	return unlinkat(parent_fd, name, AT_REMOVEDIR) < 0 ? -errno : 0;
}

void hostpath_made_remove(struct sj_hostpath_made_list *l)
{
	while (l->n > 0) {
		struct sj_hostpath_made *m = &l->v[--l->n];
		hostpath_remove_at(m->parent_fd, m->name, m->dev, m->ino);
		close(m->parent_fd);
		free(m->name);
	}
	free(l->v);
	l->v = NULL;
}
