// SPDX-License-Identifier: MIT
/*
 * --exposure: gather what the report needs from the code that builds the
 * sandbox (settings checks, the mount plan, hide_snapshot(), the Landlock
 * decision, the inherited descriptors), then who holds each socket and
 * whether the sandbox's user passes its file's permissions.
 */
#include "exposure.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "cleanup.h"
#include "hide.h"
#include "identity_lookup.h"
#include "landlock.h"
#include "listen_fds.h"
#include "log.h"
#include "mount_plan.h"
#include "sandbox.h"
#include "sockdiag.h"
#include "util.h"

static int cmp_row_inode(const void *a, const void *b)
{
	const struct sj_exposure_row *x = *(struct sj_exposure_row *const *)a, *y = *(struct sj_exposure_row *const *)b;
	return (x->inode > y->inode) - (x->inode < y->inode);
}

static void read_comm(int proc_fd, const char *pid, char comm[17])
{
	char path[300];
	snprintf(path, sizeof(path), "%s/comm", pid);
	_cleanup_close_ int fd = openat(proc_fd, path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, comm, 16) : -1;
	if (n <= 0)
		n = 0;
	comm[n] = '\0';
	comm[strcspn(comm, "\n")] = '\0';
}

/*
 * The first process found holding each socket, by its inode in
 * /proc/PID/fd. Processes we may not inspect (another user's, when we are
 * not root) leave their sockets "unknown".
 */
static void find_owners(struct sj_exposure_row *rows, size_t n)
{
	_cleanup_free_ struct sj_exposure_row **idx = calloc(n ? n : 1, sizeof(*idx));
	_cleanup_close_ int proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (!idx || proc_fd < 0)
		return;
	for (size_t i = 0; i < n; i++)
		idx[i] = &rows[i];
	qsort(idx, n, sizeof(*idx), cmp_row_inode);

	DIR *d = fdopendir(fcntl(proc_fd, F_DUPFD_CLOEXEC, 0));
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		char path[300];
		snprintf(path, sizeof(path), "%s/fd", e->d_name);
		int fdd = openat(proc_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fdd < 0)
			continue;
		DIR *fds = fdopendir(fdd);
		if (!fds) {
			close(fdd);
			continue;
		}
		struct dirent *f;
		while ((f = readdir(fds))) {
			char link[64];
			unsigned long long ino;
			ssize_t len = readlinkat(dirfd(fds), f->d_name, link, sizeof(link) - 1);
			if (len <= 0)
				continue;
			link[len] = '\0';
			if (sscanf(link, "socket:[%llu]", &ino) != 1)
				continue;
			struct sj_exposure_row key = { .inode = ino }, *kp = &key;
			struct sj_exposure_row **hit = bsearch(&kp, idx, n, sizeof(*idx), cmp_row_inode);
			if (hit && (*hit)->pid == 0) {
				(*hit)->pid = (pid_t)atoi(e->d_name);
				read_comm(proc_fd, e->d_name, (*hit)->comm);
			}
		}
		closedir(fds);
	}
	closedir(d);
}

struct identity {
	bool rootless; /* sockjail is not root: the sandbox user is the caller on the host */
	struct sj_identity id; /* COMMAND's ids and groups, as identity_resolve() gives them */
};

static bool setgroups_denied(void)
{
	char buf[16] = "";
	_cleanup_close_ int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	buf[n > 0 ? n : 0] = '\0';
	return strncmp(buf, "deny", 4) == 0;
}

/*
 * Does the sandbox's user pass the permission checks of connect() on
 * each path (search on the directories, write on the socket file)?
 * Asked with faccessat() by a child that has taken on that user's ids,
 * groups and kept capabilities, as COMMAND's process does before exec.
 */
static int check_access(const struct sj_settings *s, const struct identity *id, const char **paths, size_t n,
			bool *ok)
{
	int pfd[2];
	if (n == 0)
		return 0;
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0) {
		int r = -errno;
		close(pfd[0]);
		close(pfd[1]);
		return r;
	}
	if (pid == 0) {
		close(pfd[0]);
		/* Rootless, COMMAND is the caller on the host, groups and all. */
		const struct sj_identity *u = &id->id;
		if (!id->rootless) {
			/* As COMMAND's process: a user namespace made with setgroups "deny" keeps its groups. */
			if ((setgroups(u->n_groups, u->groups) < 0 && !(errno == EPERM && setgroups_denied())) ||
			    setresgid(u->gid, u->gid, u->gid) < 0 ||
			    prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0 || setresuid(u->uid, u->uid, u->uid) < 0 ||
			    caps_restrict(s->cap_keep, u->uid != 0) < 0)
				_exit(1);
		}
		for (size_t i = 0; i < n; i++) {
			char c = faccessat(AT_FDCWD, paths[i], W_OK, AT_EACCESS) == 0 ? '1' : '0';
			if (write_all(pfd[1], &c, 1) < 0)
				_exit(1);
		}
		_exit(0);
	}
	close(pfd[1]);
	for (size_t i = 0; i < n; i++) {
		char c = '0';
		if (read_all(pfd[0], &c, 1) != 1) {
			close(pfd[0]);
			waitpid(pid, NULL, 0);
			return -EIO;
		}
		ok[i] = c == '1';
	}
	close(pfd[0]);
	int status;
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -EIO;
	return 0;
}

static void fill_row(struct sj_exposure_row *row, const struct sj_sock_item *it)
{
	const struct sj_unix_sock *u = it->sock;
	char tbuf[16];
	sockaddr_escape(u->name, u->name_len, row->address, sizeof(row->address));
	row->abstract = u->abstract;
	row->type = sockdiag_type_name(u->type, tbuf, sizeof(tbuf));
	if (row->type == tbuf)
		row->type = "other";
	row->inode = u->ino;
	row->has_uid = u->has_uid;
	row->uid = u->uid;
	if (it->host_path) {
		row->has_file = true;
		row->mode = it->st.st_mode;
		row->file_uid = it->st.st_uid;
	}
	row->reach = it->fate.reach;
	row->origin = it->fate.origin;
	row->origin_arg = it->fate.origin_arg;
	row->sandbox_path = it->fate.sandbox_path;
}

/* Reachable pathname sockets the sandbox's user may not connect to after all. */
static int apply_permissions(const struct sj_settings *s, const struct identity *id, struct sj_hide_snapshot *snap,
			     struct sj_exposure_row *rows)
{
	size_t n = snap->socks.n, k = 0;
	_cleanup_free_ const char **paths = calloc(n ? n : 1, sizeof(*paths));
	_cleanup_free_ size_t *which = calloc(n ? n : 1, sizeof(*which));
	_cleanup_free_ bool *ok = calloc(n ? n : 1, sizeof(*ok));
	if (!paths || !which || !ok)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (snap->items[i].host_path && hide_reach_reachable(rows[i].reach)) {
			paths[k] = snap->items[i].host_path;
			which[k++] = i;
		}
	int r = check_access(s, id, paths, k, ok);
	if (r < 0)
		return r;
	for (size_t j = 0; j < k; j++)
		if (!ok[j]) {
			rows[which[j]].reach = SJ_REACH_PERMISSION;
			rows[which[j]].origin = "file permissions";
			rows[which[j]].origin_arg = NULL;
		}
	return 0;
}

static void note_missing(struct sj_exposure *e, const struct sj_settings *s, int abi)
{
	if (abi <= 0)
		e->missing[e->n_missing++] = (struct sj_exposure_feature){
			"Landlock", "--pathname-bind run-dirs rests on the bind gate alone; nothing scopes signals"
		};
	if (abi < 6)
		e->missing[e->n_missing++] = (struct sj_exposure_feature){
			"Landlock scopes (ABI 6, Linux 6.12)",
			s->net == SJ_NET_HOST ? "with --net host the host's abstract sockets are reachable"
					      : "signals to processes outside the sandbox are not blocked by Landlock"
		};
}

int exposure_run(const struct sj_settings *s, bool json)
{
	struct sj_sandbox sb = { .s = s, .sync = { -1, -1 } };
	struct sj_mount_plan plan = { 0 };
	struct sj_hide_snapshot snap = { 0 };
	struct sj_exposure e = { .s = s };
	char err[512], warn[512], caps[1024] = "";
	int r, status = SJ_EXIT_FAILURE;

	/* The identity the supervisor's prepare() gives COMMAND. */
	uid_t caller_uid = geteuid();
	gid_t caller_gid = getegid();
	struct identity id = { .rootless = caller_uid != 0 };
	e.userns = s->userns || !caps_effective_has(CAP_SYS_ADMIN);
	if ((r = identity_resolve(s, caller_uid, caller_gid, &id.id, err, sizeof(err))) < 0) {
		log_error("%s", err);
		goto out;
	}
	/* Rootless, the sandbox's ids are the caller's on the host. */
	e.uid = id.rootless ? caller_uid : id.id.uid;
	e.gid = id.rootless ? caller_gid : id.id.gid;

	if ((r = listen_fds_inherit(&sb, err, sizeof(err))) < 0) {
		log_error("%s", err);
		goto out;
	}
	e.n_inherited = sb.n_inherited;
	e.inherited_names = sb.inherited_names;
	int abi = landlock_abi();
	/* What start-up would refuse, the report refuses too. */
	if ((r = landlock_check(s, abi, warn, sizeof(warn), err, sizeof(err))) < 0) {
		log_error("%s", err);
		goto out;
	}
	note_missing(&e, s, abi);
	if ((r = caps_format_list(s->cap_keep, caps, sizeof(caps))) < 0) {
		log_errno(r, "--cap-keep");
		goto out;
	}
	e.caps = caps;
	if ((r = mount_plan_build(s, &plan)) < 0) {
		log_errno(r, "building the mount plan");
		goto out;
	}
	e.abstract_scoped = landlock_scopes_abstract(s, abi);
	if ((r = hide_snapshot(s, &plan, e.abstract_scoped, &snap)) < 0) {
		log_errno(r, "listing the host's sockets (sock_diag)");
		goto out;
	}
	e.n_rows = snap.socks.n;
	if (!(e.rows = calloc(e.n_rows ? e.n_rows : 1, sizeof(*e.rows)))) {
		log_errno(-ENOMEM, "--exposure");
		goto out;
	}
	for (size_t i = 0; i < e.n_rows; i++)
		fill_row(&e.rows[i], &snap.items[i]);
	if ((r = apply_permissions(s, &id, &snap, e.rows)) < 0) {
		log_errno(r, "checking permissions as the sandbox's user");
		goto out;
	}
	find_owners(e.rows, e.n_rows);
	exposure_sort(&e);
	if (json)
		exposure_print_json(stdout, &e);
	else
		exposure_print_text(stdout, &e);
	status = fflush(stdout) == 0 ? 0 : SJ_EXIT_FAILURE;
out:
	free(e.rows);
	hide_snapshot_free(&snap);
	mount_plan_free(&plan);
	free(sb.inherited_names);
	identity_free(&id.id);
	return status;
}
