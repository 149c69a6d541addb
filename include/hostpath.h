/* SPDX-License-Identifier: MIT */
/*
 * Host paths are hostile. sockjail often runs as root, and the paths it
 * touches on the host (--run-dir, --run-socket, --listen unix:, cleanup)
 * may pass through directories an unprivileged user owns (/run/user/UID)
 * or that the sandbox itself can write (a run-dir). Every one of them is
 * walked here, from a directory fd, one component at a time, without the
 * kernel following any symlink: a symlink is followed only when root owns
 * it, and then sockjail substitutes its target itself. Directories are
 * created with mkdirat() and changed through the fd opened on what was
 * created; what was created is recorded as (parent fd, name, dev, inode)
 * and removed at the end only through that fd, and only while it is still
 * the same inode.
 *
 * The pure parts (normalising, symlink substitution, the symlink decision,
 * the messages) are unit-tested in tests/unit/test_hostpath.c.
 */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/* As many symlinks as the kernel follows in one lookup (MAXSYMLINKS). */
#define SJ_HOSTPATH_MAX_LINKS 40

/* hostpath_open() flags. */
#define SJ_HOSTPATH_MKDIR (1u << 0)       /* create missing directories, as mk says */
#define SJ_HOSTPATH_NO_SYMLINKS (1u << 1) /* follow no symlink at all, not even root's */
#define SJ_HOSTPATH_ACCEPT_DIR (1u << 2)  /* the last component may be a directory */
#define SJ_HOSTPATH_ACCEPT_SOCK (1u << 3) /* ... a socket (no ACCEPT_*: any type) */

/* Why a walk stopped. */
enum sj_hostpath_reason {
	SJ_HOSTPATH_OK = 0,
	SJ_HOSTPATH_INVALID,       /* not an absolute path, or too long */
	SJ_HOSTPATH_LOOKUP,        /* a component could not be opened (err) */
	SJ_HOSTPATH_NOT_DIR,       /* a component before the last is not a directory */
	SJ_HOSTPATH_SYMLINK_OWNER, /* a symlink owned by someone other than root (owner) */
	SJ_HOSTPATH_SYMLINK,       /* a symlink where none may be (SJ_HOSTPATH_NO_SYMLINKS) */
	SJ_HOSTPATH_LOOP,          /* more than SJ_HOSTPATH_MAX_LINKS symlinks */
	SJ_HOSTPATH_CREATE,        /* mkdirat() failed (err) */
	SJ_HOSTPATH_REPLACED,      /* what sockjail created was swapped before it was opened */
	SJ_HOSTPATH_SET_OWNER,     /* fchown()/fchmod() on the created directory failed (err) */
	SJ_HOSTPATH_TYPE,          /* the last component is of a type the caller refuses (type) */
};

struct sj_hostpath_error {
	enum sj_hostpath_reason reason;
	int err;      /* positive errno, for LOOKUP, CREATE, SET_OWNER */
	uid_t owner;  /* SYMLINK_OWNER */
	mode_t type;  /* TYPE: st_mode & S_IFMT */
	char at[PATH_MAX]; /* the component concerned, as the path walked so far */
};

/* How to make a missing directory: mode, and the owner if chown is set. */
struct sj_hostpath_mkdir {
	mode_t mode;
	bool chown;
	uid_t uid;
	gid_t gid;
};

/* One object sockjail created on the host, as it can find it again safely. */
struct sj_hostpath_made {
	int parent_fd; /* O_PATH, opened during the walk */
	char *name;
	dev_t dev;
	ino_t ino;
};

struct sj_hostpath_made_list {
	struct sj_hostpath_made *v;
	size_t n;
};

/* What a walk found. */
struct sj_hostpath_found {
	int fd;       /* O_PATH (or O_RDONLY for a directory sockjail made), O_CLOEXEC */
	dev_t dev;
	ino_t ino;
	mode_t mode;  /* st_mode */
	char *canon;  /* the same path with no symlink and no "." or ".." in it */
};

/* --- pure ------------------------------------------------------------------ */

/*
 * Normalise an absolute path lexically: no empty, "." or ".." component,
 * no trailing slash ("/run//x/./y/../" -> "/run/x"). ".." at the root
 * stays at the root, as the kernel does. Returns 0, -EINVAL (not
 * absolute) or -ENAMETOOLONG.
 */
int hostpath_normalize(const char *path, char *out, size_t len);

/*
 * The path to walk next after a symlink: dir is the (normalised, symlink
 * free) directory holding the link, target its contents, rest what was
 * left of the path after the link ("" if the link was the last
 * component). Returns 0 with the normalised result in out, -EINVAL (empty
 * target) or -ENAMETOOLONG.
 */
int hostpath_follow_link(const char *dir, const char *target, const char *rest, char *out, size_t len);

/*
 * May a walk on the host follow this symlink (lstat() of it)? Only when
 * root owns it: anyone else could point it somewhere sockjail, as root,
 * should not go.
 */
bool hostpath_symlink_acceptable(const struct stat *st);

/*
 * Split a normalised path into its directory and last component:
 * "/run/x/a.sock" -> "/run/x" and "a.sock"; *name points into path.
 * Returns 0, -EINVAL (the root has no last component) or -ENAMETOOLONG.
 */
int hostpath_split(const char *path, char *dir, size_t len, const char **name);

/*
 * sockjail's own descriptors among output paths: "/dev/stdout" (1),
 * "/dev/stderr" (2), "/dev/fd/N" and "/proc/self/fd/N" (N). Returns N, or
 * -1 for any other path. Those are taken to mean the fd sockjail already
 * holds, which is duplicated rather than reopened through /proc: reopening
 * would follow a magic link, and fails for a pipe or a socket anyway.
 */
int hostpath_own_fd(const char *path);

/*
 * One line (no newline) saying which component and why, and what to do:
 * "/run/user/1000/l is a symlink owned by uid 1000, not root; sockjail
 * follows only root's symlinks on the host: give the path it points to".
 */
void hostpath_error_format(const struct sj_hostpath_error *e, char *buf, size_t len);

/* --- on the host -------------------------------------------------------------- */

/* The walks' starting point, "/" (O_PATH | O_DIRECTORY | O_CLOEXEC). */
int hostpath_open_root(void);

/*
 * Walk path from root_fd (see above) and open its last component. With
 * SJ_HOSTPATH_MKDIR, missing directories are made (mk), each appended to
 * made. On success fills *found and returns 0; on failure returns a
 * negative errno and fills *e (directories made so far stay in made, for
 * the caller's cleanup).
 */
int hostpath_open(int root_fd, const char *path, unsigned flags, const struct sj_hostpath_mkdir *mk,
		  struct sj_hostpath_made_list *made, struct sj_hostpath_found *found, struct sj_hostpath_error *e);
void hostpath_found_free(struct sj_hostpath_found *f);

/*
 * Open a file sockjail itself writes on the host (--audit, --learn), for
 * writing, O_CLOEXEC, with O_APPEND (append) or O_TRUNC, created 0666
 * (less the umask) if missing. A relative path is taken from the current
 * directory (getcwd(), walked from root_fd like any other). The directory
 * is walked as hostpath_open() walks (symlinks followed only when root
 * owns them); the file itself is opened with O_NOFOLLOW from that
 * directory's fd: a symlink there is followed only when root owns it (its
 * target is walked again), so a link that another user planted in a
 * sticky directory (/tmp) is refused, never written through.
 * hostpath_own_fd() paths are duplicates of sockjail's own fds. Returns
 * the fd, or a negative errno with *e filled.
 */
int hostpath_open_output(int root_fd, const char *path, bool append, struct sj_hostpath_error *e);

/*
 * Remove what hostpath_open() made, newest first: each only if the name in
 * its parent fd is still the same inode, a directory with all it holds
 * (never following a symlink, never crossing into another filesystem).
 * Closes the fds and empties the list.
 */
void hostpath_made_remove(struct sj_hostpath_made_list *l);

/*
 * Remove parent_fd/name if it is (dev, ino); a directory with everything
 * in it. Returns 0, -ENOENT (gone already), -ESTALE (something else has
 * the name now: left alone) or another negative errno.
 */
int hostpath_remove_at(int parent_fd, const char *name, dev_t dev, ino_t ino);
