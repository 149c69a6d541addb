// SPDX-License-Identifier: MIT
#include "listen_fds.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <sys/un.h>
#include <unistd.h>

#include "cleanup.h"
#include "env.h"
#include "hostpath.h"
#include "listen_spec.h"
#include "sockaddr.h"
#include "util.h"

/* SD_LISTEN_FDS_START */
#define LISTEN_FDS_START 3

/*
 * Right after bind(), before anything of COMMAND runs: the file must be
 * the one in the directory the supervisor walked on the host. Its inode
 * is recorded for the supervisor's cleanup, and an O_PATH fd on it
 * returned, for chown and chmod that cannot be redirected.
 */
static int record_bound(const struct sj_sandbox *sb, size_t i, const char *path)
{
	const struct sj_listen_host *h = &sb->listen_host[i];
	struct stat host, here;
	_cleanup_close_ int fd = openat(h->parent_fd, h->name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &host) < 0 || lstat(path, &here) < 0)
		return -errno;
	if (!S_ISSOCK(host.st_mode) || host.st_dev != here.st_dev || host.st_ino != here.st_ino)
		return -ESTALE;
	sb->listen_bound[i] = (struct sj_listen_bound){ .dev = host.st_dev, .ino = host.st_ino, .set = 1 };
	return TAKE_FD(fd);
}

static int make_socket(const struct sj_sandbox *sb, size_t i, const struct sj_listen_spec *l, int min_fd,
		       const char **step)
{
	int type = l->kind == SJ_LISTEN_UDP ? SOCK_DGRAM : SOCK_STREAM;
	int one = 1;
	*step = "socket";
	_cleanup_close_ int fd = socket(l->addr.ss_family, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (l->kind == SJ_LISTEN_TCP || l->kind == SJ_LISTEN_UDP) {
		*step = "setsockopt SO_REUSEADDR";
		if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
			return -errno;
	}
	*step = "bind";
	if (l->kind == SJ_LISTEN_UNIX) {
		/* bind() creates the file with 0777 & ~umask: make that the mode asked for. */
		mode_t old = umask(l->mode >= 0 ? (mode_t)(~l->mode & 0777) : 0);
		int r = bind(fd, (const struct sockaddr *)&l->addr, l->addrlen);
		int e = errno;
		umask(old);
		if (r < 0)
			return -e;
		*step = "finding the socket file in the host directory sockjail checked";
		_cleanup_close_ int file = record_bound(sb, i, l->path);
		if (file < 0)
			return file;
		char self[64];
		snprintf(self, sizeof(self), "/proc/self/fd/%d", file);
		*step = "chmod";
		if (l->mode > 0777 && chmod(self, (mode_t)l->mode) < 0)
			return -errno;
		*step = "chown";
		if (fchownat(file, "", sb->uid, sb->gid, AT_EMPTY_PATH) < 0)
			return -errno;
	} else if (bind(fd, (const struct sockaddr *)&l->addr, l->addrlen) < 0) {
		return -errno;
	}
	if (type == SOCK_STREAM) {
		*step = "listen";
		if (listen(fd, l->backlog) < 0)
			return -errno;
	}
	int high = fcntl(fd, F_DUPFD_CLOEXEC, min_fd);
	if (high < 0)
		return -errno;
	return high;
}

int listen_fds_open(const struct sj_sandbox *sb, int *fds, int min_fd, const char **step, const char **what)
{
	const struct sj_settings *s = sb->s;
	int r;

	for (size_t i = 0; i < s->listen.n; i++)
		fds[i] = -1;
	for (size_t i = 0; i < s->listen.n; i++) {
		struct sj_listen_spec l;
		*what = s->listen.v[i];
		*step = "--listen";
		if ((r = listen_spec_parse(s->listen.v[i], &l, NULL, 0)) < 0)
			goto fail;
		r = make_socket(sb, i, &l, min_fd, step);
		listen_spec_free(&l);
		if (r < 0)
			goto fail;
		fds[i] = r;
	}
	return 0;
fail:
	for (size_t i = 0; i < s->listen.n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return r;
}

int listen_fds_place(const struct sj_sandbox *sb, const int *fds, char ***envp, const char **step, const char **what)
{
	const struct sj_settings *s = sb->s;
	int total = sb->n_inherited + (int)s->listen.n;
	_cleanup_free_ char *names = NULL;
	size_t names_len = 0;
	int r;

	if (total == 0)
		return 0;
	if (sb->inherited_names && (names = strdup(sb->inherited_names)))
		names_len = strlen(names);
	else if (sb->n_inherited) {
		/* No LISTEN_FDNAMES from our own activator: systemd says "unknown". */
		names = calloc((size_t)sb->n_inherited, 8);
		if (!names)
			return -ENOMEM;
		for (int i = 0; i < sb->n_inherited; i++)
			names_len += (size_t)sprintf(names + names_len, "%sunknown", i ? ":" : "");
	}

	for (size_t i = 0; i < s->listen.n; i++) {
		struct sj_listen_spec l;
		*what = s->listen.v[i];
		*step = "--listen";
		if ((r = listen_spec_parse(s->listen.v[i], &l, NULL, 0)) < 0)
			return r;
		int target = LISTEN_FDS_START + sb->n_inherited + (int)i;
		/* dup2 clears O_CLOEXEC: this one is meant for COMMAND. */
		*step = "dup2";
		r = dup2(fds[i], target) < 0 ? -errno : 0;
		size_t add = strlen(l.fdname) + 2;
		char *nn = realloc(names, names_len + add);
		if (nn) {
			names = nn;
			names_len += (size_t)sprintf(names + names_len, "%s%s", names_len ? ":" : "", l.fdname);
		}
		listen_spec_free(&l);
		if (r < 0)
			return r;
		if (!nn)
			return -ENOMEM;
	}
	char num[32];
	*step = "environment";
	*what = NULL;
	snprintf(num, sizeof(num), "%d", total);
	if ((r = env_set(envp, "LISTEN_FDS", num)) < 0)
		return r;
	/* COMMAND keeps this process's pid across execve(). */
	snprintf(num, sizeof(num), "%d", (int)getpid());
	if ((r = env_set(envp, "LISTEN_PID", num)) < 0)
		return r;
	if ((r = env_set(envp, "LISTEN_FDNAMES", names ? names : "")) < 0)
		return r;
	return total;
}

int listen_fds_setup(const struct sj_sandbox *sb, char ***envp, const char **step, const char **what)
{
	const struct sj_settings *s = sb->s;
	int total = sb->n_inherited + (int)s->listen.n;
	int r;

	if (total == 0)
		return 0;
	_cleanup_free_ int *fds = calloc(s->listen.n + 1, sizeof(int));
	if (!fds)
		return -ENOMEM;
	/* Above the activation range, so placing them cannot clobber each other. */
	if ((r = listen_fds_open(sb, fds, LISTEN_FDS_START + total, step, what)) < 0)
		return r;
	r = listen_fds_place(sb, fds, envp, step, what);
	for (size_t i = 0; i < s->listen.n; i++)
		close(fds[i]);
	return r;
}

int listen_fds_inherit(struct sj_sandbox *sb, char *err, size_t errlen)
{
	const char *pid_s = getenv("LISTEN_PID"), *fds_s = getenv("LISTEN_FDS");
	const char *names_s = getenv("LISTEN_FDNAMES");
	unsigned pid, n;

	sb->n_inherited = 0;
	if (!pid_s || !fds_s || parse_uint32(pid_s, &pid) < 0 || pid != (unsigned)getpid())
		return 0;
	if (parse_uint32(fds_s, &n) < 0 || n > 4096) {
		snprintf(err, errlen, "LISTEN_FDS=%s: not a count of fds", fds_s);
		return -EINVAL;
	}
	for (unsigned i = 0; i < n; i++) {
		int fd = LISTEN_FDS_START + (int)i;
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		int domain;
		socklen_t dlen = sizeof(domain);
		if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &dlen) < 0 ||
		    getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
			snprintf(err, errlen, "LISTEN_FDS: fd %d is not a socket", fd);
			return -ENOTSOCK;
		}
		struct sj_addr a;
		enum sj_addr_kind k = sockaddr_classify(domain, &ss, (int)len, &a);
		bool bound = true;
		if (domain == AF_UNIX)
			bound = len > offsetof(struct sockaddr_un, sun_path);
		else if (domain == AF_INET)
			bound = ((struct sockaddr_in *)&ss)->sin_port != 0;
		else if (domain == AF_INET6)
			bound = ((struct sockaddr_in6 *)&ss)->sin6_port != 0;
		/* An unbound socket made in the host's netns could be bound to anything there. */
		if (!bound) {
			snprintf(err, errlen, "LISTEN_FDS: fd %d is a socket that is not bound", fd);
			return -EINVAL;
		}
		if (k == SJ_ADDR_ABSTRACT && sb->s->abstract == SJ_ABSTRACT_DENY &&
		    sockaddr_match_abstract(a.name, a.name_len, sb->s->abstract_allow.v, sb->s->abstract_allow.n) < 0) {
			char esc[SJ_ESCAPED_MAX];
			sockaddr_escape(a.name, a.name_len, esc, sizeof(esc));
			snprintf(err, errlen, "LISTEN_FDS: fd %d is bound to abstract %s, which the policy refuses", fd,
				 esc);
			return -EPERM;
		}
	}
	if (names_s) {
		size_t colons = 0;
		for (const char *c = names_s; *c; c++)
			colons += *c == ':';
		if (n > 0 && colons + 1 == n && !(sb->inherited_names = strdup(names_s)))
			return -ENOMEM;
	}
	sb->n_inherited = (int)n;
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return 0;
}

static int listen_host_one(struct sj_listen_host *h, int root_fd, const char *spec, const char *path, char *err,
			   size_t errlen)
{
	char norm[PATH_MAX], dir[PATH_MAX], msg[PATH_MAX + 256];
	const char *name;
	struct sj_hostpath_found f;
	struct sj_hostpath_error e;
	struct stat st;
	int r;

	if ((r = hostpath_normalize(path, norm, sizeof(norm))) < 0 ||
	    (r = hostpath_split(norm, dir, sizeof(dir), &name)) < 0) {
		snprintf(err, errlen, "--listen %s: %s", spec, strerror(-r));
		return r;
	}
	if ((r = hostpath_open(root_fd, dir, SJ_HOSTPATH_ACCEPT_DIR, NULL, NULL, &f, &e)) < 0) {
		hostpath_error_format(&e, msg, sizeof(msg));
		snprintf(err, errlen, "--listen %s: %s", spec, msg);
		return r;
	}
	free(f.canon);
	h->parent_fd = f.fd;
	if (!(h->name = strdup(name)))
		return -ENOMEM;
	/* It must be free now: sockjail removes the file at the end, and only one it made. */
	if (fstatat(h->parent_fd, h->name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		r = -EADDRINUSE;
	else if (errno != ENOENT)
		r = -errno;
	if (r < 0)
		snprintf(err, errlen, "--listen %s: %s", spec, strerror(-r));
	return r;
}

int listen_fds_host_prepare(struct sj_sandbox *sb, int root_fd, char *err, size_t errlen)
{
	const struct sj_settings *s = sb->s;
	int r = 0;

	if (s->listen.n == 0)
		return 0;
	if (!(sb->listen_host = calloc(s->listen.n, sizeof(*sb->listen_host))))
		return -ENOMEM;
	for (size_t i = 0; i < s->listen.n; i++)
		sb->listen_host[i].parent_fd = -1;
	/* Shared: COMMAND's process records what it bound, before its execve(). */
	void *m = mmap(NULL, s->listen.n * sizeof(*sb->listen_bound), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return -errno;
	sb->listen_bound = m;
	for (size_t i = 0; i < s->listen.n && r >= 0; i++) {
		struct sj_listen_spec l;
		if ((r = listen_spec_parse(s->listen.v[i], &l, NULL, 0)) < 0)
			break;
		if (l.kind == SJ_LISTEN_UNIX)
			r = listen_host_one(&sb->listen_host[i], root_fd, s->listen.v[i], l.path, err, errlen);
		listen_spec_free(&l);
	}
	return r;
}

void listen_fds_host_cleanup(struct sj_sandbox *sb)
{
	size_t n = sb->s ? sb->s->listen.n : 0;
	for (size_t i = 0; sb->listen_host && i < n; i++) {
		struct sj_listen_host *h = &sb->listen_host[i];
		const struct sj_listen_bound *b = sb->listen_bound ? &sb->listen_bound[i] : NULL;
		struct stat st;
		/* Only the socket file COMMAND's process bound, wherever its directory went since. */
		if (h->parent_fd >= 0 && b && b->set &&
		    fstatat(h->parent_fd, h->name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISSOCK(st.st_mode))
			hostpath_remove_at(h->parent_fd, h->name, b->dev, b->ino);
		if (h->parent_fd >= 0)
			close(h->parent_fd);
		free(h->name);
	}
	free(sb->listen_host);
	sb->listen_host = NULL;
	if (sb->listen_bound)
		munmap(sb->listen_bound, n * sizeof(*sb->listen_bound));
	sb->listen_bound = NULL;
}
