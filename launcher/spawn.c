// SPDX-License-Identifier: MIT
/*
 * The supervisor, sockjail's own process outside the sandbox. Everything
 * that can fail because of the settings fails here, before anything is
 * unshared, except what depends on the host's sockets at start-up. After
 * clone(), while the sandbox's first process faults itself in and mounts,
 * it makes the sandbox's netns (as root, --net none), writes the id maps
 * and lists the host sockets to cover (handshake.h); then it
 * answers bind() notifications, forwards signals, and cleans up on every
 * path. A failure after clone() kills the sandbox before COMMAND starts,
 * with the same one-line error and exit status 125.
 */
#include "spawn.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "cleanup.h"
#include "env.h"
#include "handshake.h"
#include "hide.h"
#include "hostpath.h"
#include "identity_lookup.h"
#include "idmap.h"
#include "info_fd.h"
#include "landlock.h"
#include "learn.h"
#include "listen_fds.h"
#include "listen_spec.h"
#include "log.h"
#include "mount_plan.h"
#include "netns.h"
#include "notify.h"
#include "proc_policy.h"
#include "procfs.h"
#include "restart_report.h"
#include "run_dir_share.h"
#include "run_socket_follow.h"
#include "sdnotify_relay.h"
#include "sandbox.h"
#include "policy.h"
#include "seccomp_filter.h"
#include "startup_errors.h"
#include "util.h"

extern char **environ;

/* Writes the planned maps; on failure *step names the file that refused. */
static int write_id_maps(pid_t pid, const struct sj_id_plan *ids, const struct sj_sandbox *sb, const char **step)
{
	char path[64];
	int r;

	if (ids->setgroups_deny) {
		*step = "setgroups";
		snprintf(path, sizeof(path), "/proc/%d/setgroups", procfs_pid(pid));
		if ((r = write_file(path, "deny")) < 0 && r != -ENOENT)
			return r;
	}
	*step = "uid_map";
	snprintf(path, sizeof(path), "/proc/%d/uid_map", procfs_pid(pid));
	if (!ids->uid_unmapped && (r = write_file(path, ids->uid_map)) < 0)
		return r;
	*step = "gid_map";
	snprintf(path, sizeof(path), "/proc/%d/gid_map", procfs_pid(pid));
	if (ids->setgroups_deny)
		return write_file(path, ids->gid_map);
	/* Root with CAP_SETGID maps the supplementary groups too, or setgroups() fails with EINVAL. */
	_cleanup_free_ char *gmap = malloc(340 * 24);
	if (!gmap)
		return -ENOMEM;
	if ((r = identity_format_gid_map(sb->gid, sb->groups, sb->n_groups, gmap, 340 * 24)) < 0)
		return r;
	return write_file(path, gmap);
}

static const int forwarded_signals[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH };

static int block_forwarded_signals(sigset_t *set, sigset_t *old)
{
	sigemptyset(set);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded_signals); i++)
		sigaddset(set, forwarded_signals[i]);
	return sigprocmask(SIG_BLOCK, set, old) < 0 ? -errno : 0;
}

/* The sandbox as clone3() builds it; returns the child's pid and a pidfd. */
static pid_t clone_sandbox(struct sj_sandbox *sb, int *pidfd, bool *used_clone2)
{
	const struct sj_settings *s = sb->s;
	/* --gate-only: a plain fork (the settings made net and pid "host"). */
	uint64_t flags = CLONE_PIDFD | (s->gate_only ? 0 : CLONE_NEWNS);
	if (s->net != SJ_NET_HOST && !sb->netns_from_supervisor)
		flags |= CLONE_NEWNET;
	if (s->pid != SJ_PID_HOST)
		flags |= CLONE_NEWPID;
	if (sb->userns)
		flags |= CLONE_NEWUSER;
	struct clone_args args = {
		.flags = flags,
		.pidfd = (uint64_t)(uintptr_t)pidfd,
		.exit_signal = SIGCHLD,
	};
	long pid = syscall(SYS_clone3, &args, sizeof(args));
	/*
	 * Container runtimes' seccomp profiles often make clone3 fail with
	 * ENOSYS (it takes a pointer they cannot inspect); clone(2) with a
	 * NULL stack forks the same way, and returns the pidfd through the
	 * parent_tid argument.
	 */
	if (pid < 0 && errno == ENOSYS) {
		*used_clone2 = true;
		pid = syscall(SYS_clone, (unsigned long)(flags | SIGCHLD), NULL, pidfd, NULL, 0UL);
	}
	if (pid < 0)
		return -errno;
	if (pid == 0)
		child_main(sb);
	return (pid_t)pid;
}

static int read_unpriv_port_start(const struct sj_settings *s)
{
	/* A fresh netns starts at 1024; with --net host, the host's value counts. */
	int v = 1024;
	if (s->net == SJ_NET_HOST) {
		FILE *f = fopen("/proc/sys/net/ipv4/ip_unprivileged_port_start", "re");
		if (f) {
			if (fscanf(f, "%d", &v) != 1)
				v = 1024;
			fclose(f);
		}
	}
	return v;
}

struct supervisor {
	struct sj_sandbox sb;
	int root_fd;                       /* "/", where every host path walk starts */
	struct sj_hostpath_made_list made; /* what --run-dir made on the host */
	struct sj_strv pinned;             /* symlink-free host paths of the mount sources */
	FILE *audit;
	FILE *learn_out; /* --learn FILE, opened before the run */
	struct sj_learned learned;
	pid_t pid;
	int pidfd;
	int sigfd;
	struct sj_notify *notify;
	struct stat netns; /* the sandbox's network namespace, for notify */
	struct netns_veth veth; /* --net veth: its host end is deleted in cleanup() */
	/* --pathname-bind run-dirs: the run-dirs as the sandbox opened them, until notify takes them. */
	int *run_dir_fds;
	size_t n_run_dir_fds;
	struct sj_id_caller caller; /* euid, egid and capabilities, for the id plan and its errors */
	struct sj_id_plan ids;
	struct sj_info info;         /* --info-fd */
	struct sj_follow *follow;    /* --run-socket follows its service */
	struct sj_sdnotify_relay relay; /* NOTIFY_SOCKET */
	struct sj_run_dir_share share; /* --run-dirs held while we run, removed by the last one out */
	struct sj_cpu_hint cpus;       /* the sandbox off our CPU while we both prepare */
	int own_netns; /* our network namespace, to step back into after netns_make(), or -1 */
};

/*
 * Walk a --run-dir or --run-socket on the host (hostpath.h), and pin the
 * sandbox's mount of it to what was found.
 */
/*
 * "--run-socket /run/x: /run/x is a regular file, ..." (or the profile
 * line it came from), but "--run-socket /run/nope.sock: No such file or
 * directory" when the path itself is missing, not the path twice.
 */
static void describe_walk_error(char *buf, size_t len, const struct sj_settings *s, int id, const char *path,
				const struct sj_hostpath_error *e)
{
	char what[PATH_MAX + 256], msg[PATH_MAX + 256];
	settings_describe(s, id, path, what, sizeof(what));
	if (e->reason == SJ_HOSTPATH_LOOKUP && strcmp(e->at, path) == 0)
		snprintf(msg, sizeof(msg), "%s", strerror(e->err));
	else
		hostpath_error_format(e, msg, sizeof(msg));
	snprintf(buf, len, "%s: %s", what, msg);
}

/*
 * Walk a --run-dir or --run-socket on the host (hostpath.h), and pin the
 * sandbox's mount of it to what was found.
 */
static int walk_mount_source(struct supervisor *sv, int id, const char *path, unsigned flags,
			     const struct sj_hostpath_mkdir *mk)
{
	const struct sj_settings *s = sv->sb.s;
	const char *origin = id == SJ_OPT_RUN_SOCKET ? "--run-socket" : "--run-dir";
	struct sj_hostpath_found f;
	struct sj_hostpath_error e;
	char msg[3 * PATH_MAX];
	int r = hostpath_open(sv->root_fd, path, flags, mk, &sv->made, &f, &e);
	if (r < 0) {
		describe_walk_error(msg, sizeof(msg), s, id, path, &e);
		log_error("%s", msg);
		return r;
	}
	r = strv_push(&sv->pinned, f.canon);
	if (r >= 0)
		mount_plan_pin(&sv->sb.plan, origin, path, sv->pinned.v[sv->pinned.n - 1], f.dev, f.ino);
	else
		log_errno(r, "%s %s", origin, path);
	hostpath_found_free(&f);
	return r;
}

/* After the --run-dirs: the sockets' directories are in them. Out of line with its message buffer. */
static __attribute__((noinline)) int prepare_listen_paths(struct supervisor *sv)
{
	char err[PATH_MAX + 512];
	int r = listen_fds_host_prepare(&sv->sb, sv->root_fd, err, sizeof(err));
	if (r < 0) {
		if (r == -ENOMEM)
			log_errno(r, "--listen");
		else
			log_error("%s", err);
	}
	return r;
}

/* The host paths of --run-socket, --run-dir and --listen unix:, before anything is unshared. */
static int prepare_host_paths(struct supervisor *sv, const struct sj_settings *s)
{
	struct sj_sandbox *sb = &sv->sb;
	/* Host uid of the sandbox's uid: our own when rootless, else as given. */
	struct sj_hostpath_mkdir mk = { .mode = 0755, .chown = sb->caller_uid == 0, .uid = sb->uid, .gid = sb->gid };
	int r;

	if ((sv->root_fd = hostpath_open_root()) < 0) {
		log_errno(sv->root_fd, "opening /");
		return sv->root_fd;
	}
	for (size_t i = 0; i < s->run_sockets.n; i++)
		if ((r = walk_mount_source(sv, SJ_OPT_RUN_SOCKET, s->run_sockets.v[i],
					   SJ_HOSTPATH_ACCEPT_SOCK | SJ_HOSTPATH_ACCEPT_DIR, NULL)) < 0)
			return r;
	for (size_t i = 0; i < s->run_dirs.n; i++) {
		/* -ESTALE: its last user removed it while we waited for the lock; make it again. */
		for (int tries = 0;; tries++) {
			if ((r = walk_mount_source(sv, SJ_OPT_RUN_DIR, s->run_dirs.v[i],
						   SJ_HOSTPATH_MKDIR | SJ_HOSTPATH_ACCEPT_DIR, &mk)) < 0)
				return r;
			r = run_dir_share_hold(&sv->share, sv->root_fd, sv->pinned.v[sv->pinned.n - 1], &sv->made);
			if (r != -ESTALE || tries == 3)
				break;
		}
		if (r < 0) {
			log_errno(r, "--run-dir %s: taking its lock", s->run_dirs.v[i]);
			return r;
		}
	}
	if (s->listen.n > 0 && (r = prepare_listen_paths(sv)) < 0)
		return r;
	/* The sandbox closes these first: they reach host directories beneath its mounts. */
	size_t n = 1 + sv->made.n + 2 * sv->share.n;
	if (!(sb->host_fds = calloc(n, sizeof(int)))) {
		log_errno(-ENOMEM, "host paths");
		return -ENOMEM;
	}
	sb->host_fds[sb->n_host_fds++] = sv->root_fd;
	for (size_t i = 0; i < sv->made.n; i++)
		sb->host_fds[sb->n_host_fds++] = sv->made.v[i].parent_fd;
	sb->n_host_fds += run_dir_share_fds(&sv->share, sb->host_fds + sb->n_host_fds);
	return 0;
}

int spawn_check_run_sockets(const struct sj_settings *s, bool warn_only)
{
	char msg[3 * PATH_MAX];
	int first = 0;
	_cleanup_close_ int root = hostpath_open_root();

	if (root < 0)
		return root;
	/* The same walk as the run's: what it would refuse is refused here. */
	for (size_t i = 0; i < s->run_sockets.n; i++) {
		struct sj_hostpath_found f;
		struct sj_hostpath_error e;
		int r = hostpath_open(root, s->run_sockets.v[i], SJ_HOSTPATH_ACCEPT_SOCK | SJ_HOSTPATH_ACCEPT_DIR, NULL,
				      NULL, &f, &e);
		if (r == 0) {
			hostpath_found_free(&f);
			continue;
		}
		describe_walk_error(msg, sizeof(msg), s, SJ_OPT_RUN_SOCKET, s->run_sockets.v[i], &e);
		if (!warn_only) {
			log_error("%s", msg);
			return r;
		}
		log_warn("%s (it must exist when the sandbox starts)", msg);
		if (!first)
			first = r;
	}
	return first;
}

/* Names are looked up now, while NSS can still reach nscd, sssd or userdbd. */
static int prepare_identity(struct supervisor *sv, const struct sj_settings *s)
{
	struct sj_sandbox *sb = &sv->sb;
	struct sj_identity id;
	char err[512];
	int r = identity_resolve(s, sb->caller_uid, sb->caller_gid, &id, err, sizeof(err));
	if (r < 0) {
		log_error("%s", err);
		return r;
	}
	if (sb->caller_uid == 0 &&
	    (r = identity_check_here(&id, sb->caller_uid, sb->caller_gid, s->groups_set, err, sizeof(err))) < 0) {
		log_error("%s", err);
		identity_free(&id);
		return r;
	}
	sb->uid = id.uid;
	sb->gid = id.gid;
	sb->groups = TAKE_PTR(id.groups);
	sb->n_groups = id.n_groups;
	/* Which ids the user namespace maps, and whether setgroups(2) is possible (idmap.h). */
	if ((r = idmap_plan(&sv->caller, s->userns, s->gate_only, sb->uid, sb->gid, &sv->ids, err, sizeof(err))) < 0) {
		log_error("%s", err);
		return r;
	}
	sb->uid_unmapped = sv->ids.uid_unmapped;
	sb->userns = sv->ids.userns;
	sb->set_groups = sv->ids.set_groups;
	/*
	 * Without setgroups(2) (setgroups denied in the user namespace, or
	 * no CAP_SETGID) groups asked for explicitly cannot be had. Those the
	 * user database brings with --uid USER are left out, as documented.
	 */
	if (!sb->set_groups && s->groups_set) {
		log_error("--groups: supplementary groups need root with CAP_SETGID (in an unprivileged user "
			  "namespace setgroups(2) is denied); leave --groups out or run sockjail as root");
		return -EPERM;
	}
	if (!sb->set_groups)
		sb->n_groups = 0;
	return 0;
}

/*
 * A file sockjail itself writes (--audit, --learn). Root writing where a
 * user can plant a symlink (/tmp) must not write through it: the path is
 * walked as every host path is (hostpath_open_output()).
 */
static int open_output(const struct sj_settings *s, int opt, const char *path, const char *given, bool append,
		       FILE **out)
{
	char what[PATH_MAX + 64], why[PATH_MAX + 256];
	struct sj_hostpath_error he;
	_cleanup_close_ int root = hostpath_open_root();
	int r;

	if (root < 0) {
		log_errno(root, "opening /");
		return root;
	}
	_cleanup_close_ int fd = hostpath_open_output(root, path, append, &he);
	if (fd < 0) {
		hostpath_error_format(&he, why, sizeof(why));
		log_error("%s: %s", settings_describe(s, opt, given, what, sizeof(what)), why);
		return fd;
	}
	if (!(*out = fdopen(fd, append ? "a" : "w"))) {
		r = -errno;
		log_errno(r, "%s", settings_describe(s, opt, given, what, sizeof(what)));
		return r;
	}
	TAKE_FD(fd);
	return 0;
}

/* COMMAND's filter: a copy of the one baked at build time (seccomp_filter.h), unless --learn needs its own. */
static int get_filter(struct supervisor *sv)
{
	const struct sj_settings *s = sv->sb.s;
	struct sj_filter_opts fo = { .autobind_deny = s->autobind == SJ_AUTOBIND_DENY,
				     .learn = s->learn != NULL,
				     .learn_skip_fd = sv->sb.sync_child_fd,
				     .connect_notify = policy_connect_notified(s) };
	int r = seccomp_filter_program(&fo, &sv->sb.filter);
	if (r < 0)
		log_errno(r, "building the seccomp filter");
	return r;
}

/* The caller's cwd, or NULL. getcwd(NULL, 0) would take a 4 KiB block (one more heap page). */
static char *cwd_dup(void)
{
	char buf[256];

	if (getcwd(buf, sizeof(buf)))
		return strdup(buf);
	return errno == ERANGE ? getcwd(NULL, 0) : NULL;
}

/*
 * What must exist on the host is checked before anything is made, not
 * half-way through. Out of line, with its message buffer: the stack every
 * start-up touches stays small (see the README's benchmarks).
 */
static __attribute__((noinline)) int check_mount_sources(const struct sj_settings *s)
{
	char what[4200];

	for (size_t i = 0; i < s->n_mounts; i++) {
		struct stat st;
		const struct sj_mount_req *m = &s->mounts[i];
		if (m->src && stat(m->src, &st) < 0) {
			int r = -errno;
			log_errno(r, "%s", settings_describe(s, m->kind == SJ_MOUNT_BIND ? SJ_OPT_BIND : SJ_OPT_RO_BIND,
							     m->src, what, sizeof(what)));
			return r;
		}
	}
	return 0;
}

static int prepare(struct supervisor *sv, const struct sj_settings *s, char **command)
{
	struct sj_sandbox *sb = &sv->sb;
	char err[512], warn[512];
	int r;

	sb->s = s;
	sb->command = command;
	/* Every /proc/<pid> below names our processes by their number in this /proc. */
	if (procfs_init() == SJ_PROCFS_FOREIGN) {
		log_error("/proc does not show sockjail itself (no /proc/self: it is missing, or mounted for a "
			  "PID namespace that cannot see sockjail's), so no process of the sandbox can be found "
			  "there: mount a /proc for sockjail's PID namespace (unshare --pid --fork --mount-proc)");
		return -ESRCH;
	}
	sb->sync[0] = sb->sync[1] = -1;
	sb->run_dirs_sock[0] = sb->run_dirs_sock[1] = -1;
	sb->caller_uid = geteuid();
	sb->caller_gid = getegid();
	sv->caller = (struct sj_id_caller){ .euid = sb->caller_uid,
					    .egid = sb->caller_gid,
					    .cap_sys_admin = caps_effective_has(CAP_SYS_ADMIN),
					    .cap_setuid = caps_effective_has(CAP_SETUID),
					    .cap_setgid = caps_effective_has(CAP_SETGID),
					    .cap_setfcap = caps_effective_has(CAP_SETFCAP) };
	if ((r = prepare_identity(sv, s)) < 0)
		return r;
	if (s->net != SJ_NET_HOST) {
		/*
		 * --net none with no new user namespace: the netns is ours to
		 * make after clone() (netns_make()), where we may step into a
		 * new one and back (root), and the sandbox may join it.
		 */
		if (s->net == SJ_NET_NONE && !sb->userns) {
			_cleanup_close_ int self = sys_pidfd_open(getpid(), 0);
			sv->own_netns = self >= 0 ? procfs_netns_open(self, getpid()) : -1;
			if (sv->own_netns >= 0 && !netns_can_return(sv->own_netns)) {
				close(sv->own_netns);
				sv->own_netns = -1;
			}
			sb->netns_from_supervisor = sv->own_netns >= 0;
		}
		/* Init sends it as soon as it is in the sandbox's netns (child.c). */
		if ((r = netns_lo_request_build(&sb->lo_req)) < 0) {
			log_errno(r, "bringing up the sandbox's lo: building its request (libnl)");
			return r;
		}
	}
	sb->cwd = cwd_dup();

	if ((r = info_fd_check(s, err, sizeof(err))) < 0) {
		log_error("%s", err);
		return r;
	}
	if ((r = listen_fds_inherit(sb, err, sizeof(err))) < 0) {
		log_error("%s", err);
		return r;
	}
	sb->landlock_abi = landlock_abi();
	if ((r = landlock_check(s, sb->landlock_abi, warn, sizeof(warn), err, sizeof(err))) < 0) {
		log_error("%s", err);
		return r;
	}
	if (warn[0])
		log_warn("%s", warn);
	/* Rootless, a taken name: 125 before anything exists on the host. */
	if (s->net == SJ_NET_VETH && (r = netns_veth_prepare(&sv->veth, s->net_veth, err, sizeof(err))) < 0) {
		log_error("%s", err);
		return r;
	}

	sb->sync_child_fd = 3 + sb->n_inherited + (int)s->listen.n;
	if ((r = get_filter(sv)) < 0)
		return r;
	if ((r = mount_plan_build(s, &sb->plan)) < 0) {
		log_errno(r, "building the mount plan");
		return r;
	}
	/* An unmapped uid cannot create a mount point in the sandbox's own tmpfs (EOVERFLOW). */
	for (size_t i = 0; sb->uid_unmapped && i < sb->plan.n; i++) {
		if (sb->plan.ops[i].create_dst) {
			log_error("%s %s: root without CAP_SETFCAP gets an unmapped uid in the sandbox's user "
				  "namespace, which cannot create its mount point; give sockjail CAP_SETFCAP "
				  "(a container: --cap-add SETFCAP)",
				  sb->plan.ops[i].origin, sb->plan.ops[i].dst);
			return -EPERM;
		}
	}
	if (!(sb->envp = env_build(environ, s))) {
		log_errno(-ENOMEM, "environment");
		return -ENOMEM;
	}
	if ((r = sdnotify_relay_prepare(&sv->relay, s, &sb->envp, err, sizeof(err))) < 0) {
		log_error("%s", err);
		return r;
	}
	sb->sdnotify = &sv->relay;

	if ((r = check_mount_sources(s)) < 0)
		return r;
	/* --audit - is stderr; --learn's file is opened now, so a bad path fails before the run. */
	if (s->audit && (r = open_output(s, SJ_OPT_AUDIT, strcmp(s->audit, "-") ? s->audit : "/dev/stderr", s->audit,
					 true, &sv->audit)) < 0)
		return r;
	if (s->learn && (r = open_output(s, SJ_OPT_LEARN, s->learn, s->learn, false, &sv->learn_out)) < 0)
		return r;
	if ((r = prepare_host_paths(sv, s)) < 0)
		return r;
	/* The --run-sockets' symlink-free paths come first in sv->pinned. */
	if ((r = run_socket_follow_new(s, (const char *const *)sv->pinned.v, sv->root_fd, &sv->follow, err,
				       sizeof(err))) < 0) {
		log_error("%s", err);
		return r;
	}
	sb->follow_dirs = run_socket_follow_dirs(sv->follow, &sb->n_follow_dirs);
	if (s->pathname_bind == SJ_PATHNAME_BIND_RUN_DIRS && s->run_dirs.n > 0 &&
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sb->run_dirs_sock) < 0) {
		r = -errno;
		log_errno(r, "socketpair");
		return r;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sb->sync) < 0) {
		r = -errno;
		log_errno(r, "socketpair");
		return r;
	}
	/*
	 * The kernel names the sender of COMMAND's listener (SCM_CREDENTIALS):
	 * the Landlock tracker needs COMMAND's pid to tell its children from
	 * orphans, --info-fd reports it.
	 */
	int one = 1;
	if (setsockopt(sb->sync[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0) {
		r = -errno;
		log_errno(r, "SO_PASSCRED");
		return r;
	}
	return 0;
}

static void forward_signal(struct supervisor *sv)
{
	struct signalfd_siginfo si;
	/* The terminal's own signals reached the sandbox's first process already. */
	if (read(sv->sigfd, &si, sizeof(si)) == sizeof(si) &&
	    proc_policy_forward_signal(si.ssi_code, getpgid(sv->pid) == getpgid(0)))
		sys_pidfd_send_signal(sv->pidfd, (int)si.ssi_signo);
}

static void kill_sandbox(struct supervisor *sv)
{
	if (sv->pidfd >= 0)
		sys_pidfd_send_signal(sv->pidfd, SIGKILL);
}

/* Copies of fds[0..n) (malloc'd, O_CLOEXEC), or NULL. */
static int *dup_fds(const int *fds, size_t n)
{
	int *v = n ? calloc(n, sizeof(*v)) : NULL;
	for (size_t i = 0; v && i < n; i++) {
		v[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 3);
		if (v[i] < 0) {
			while (i-- > 0)
				close(v[i]);
			free(v);
			v = NULL;
		}
	}
	return v;
}

/*
 * --pathname-bind run-dirs: the sandbox's init sends O_PATH fds of the
 * run-dirs (batches tagged 'R', on a socket of their own) right after its
 * mounts, before COMMAND exists. Received here, before serve(), so that
 * the first listener finds them. Signals are forwarded meanwhile; the
 * sandbox dying (or init closing the socket early) ends the wait, and
 * serve() then sees it exit.
 */
static int receive_run_dirs(struct supervisor *sv)
{
	const struct sj_settings *s = sv->sb.s;
	size_t want = s->pathname_bind == SJ_PATHNAME_BIND_RUN_DIRS ? s->run_dirs.n : 0;
	if (want == 0)
		return 0;
	if (!(sv->run_dir_fds = calloc(want, sizeof(int))))
		return -ENOMEM;
	while (sv->n_run_dir_fds < want) {
		struct pollfd pfds[] = { { .fd = sv->sb.run_dirs_sock[0], .events = POLLIN },
					 { .fd = sv->pidfd, .events = POLLIN },
					 { .fd = sv->sigfd, .events = POLLIN } };
		if (poll(pfds, ARRAY_SIZE(pfds), -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (pfds[2].revents & POLLIN)
			forward_signal(sv);
		if (pfds[0].revents) {
			int fds[SJ_FDS_PER_MESSAGE];
			char tag = 0;
			pid_t sender;
			int k = recv_fds(sv->sb.run_dirs_sock[0], &tag, fds, ARRAY_SIZE(fds), &sender);
			if (k == -EPIPE)
				return 0; /* init failed before it sent them all: it said why, serve() sees it exit */
			if (k < 0 || tag != 'R' || (size_t)k > want - sv->n_run_dir_fds) {
				for (int i = 0; i < k; i++)
					close(fds[i]);
				return k < 0 ? k : -EBADMSG;
			}
			memcpy(sv->run_dir_fds + sv->n_run_dir_fds, fds, (size_t)k * sizeof(int));
			sv->n_run_dir_fds += (size_t)k;
		} else if (pfds[1].revents) {
			return 0;
		}
	}
	return 0;
}

/* Serve until the sandbox's first process exits; returns sockjail's exit status. */
static __attribute__((noinline)) int serve(struct supervisor *sv)
{
	struct sj_sandbox *sb = &sv->sb;
	int sync_fd = sb->sync[0];
	int status = SJ_EXIT_FAILURE;

	for (;;) {
		struct pollfd pfds[72];
		size_t n = 0;
		pfds[n++] = (struct pollfd){ .fd = sv->pidfd, .events = POLLIN };
		pfds[n++] = (struct pollfd){ .fd = sv->sigfd, .events = POLLIN };
		if (sync_fd >= 0)
			pfds[n++] = (struct pollfd){ .fd = sync_fd, .events = POLLIN };
		int follow_fd = run_socket_follow_fd(sv->follow);
		size_t follow_at = n;
		if (follow_fd >= 0)
			pfds[n++] = (struct pollfd){ .fd = follow_fd, .events = POLLIN };
		size_t relay_at = n;
		n += sdnotify_relay_pollfd(&sv->relay, &pfds[n]);
		size_t first_notify = n;
		if (sv->notify)
			n += notify_pollfds(sv->notify, pfds + n, ARRAY_SIZE(pfds) - n);

		if (poll(pfds, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			log_errno(-errno, "poll");
			kill_sandbox(sv);
		}
		if (sv->notify && n > first_notify) {
			int r = notify_dispatch(sv->notify, pfds + first_notify, n - first_notify);
			if (r > 0) {
				kill_sandbox(sv);
			} else if (r < 0) {
				/* Nobody is left under the filter; stop listening. */
				notify_free(sv->notify);
				sv->notify = NULL;
			}
		}
		if (follow_fd >= 0 && (pfds[follow_at].revents & POLLIN))
			run_socket_follow_dispatch(sv->follow);
		if (relay_at < first_notify && pfds[relay_at].revents)
			sdnotify_relay_dispatch(&sv->relay);
		if (pfds[1].revents & POLLIN)
			forward_signal(sv);
		if (sync_fd >= 0 && pfds[2].revents) {
			pid_t command_pid = 0;
			int listener = restart_report_receive(sync_fd, sb->s, sv->audit, sv->follow, &command_pid), ri;
			/* --restart: each new COMMAND sends its listener; init, restart records. */
			if (listener != -EAGAIN && (listener < 0 || sb->s->restart == SJ_RESTART_NO)) {
				close(sync_fd);
				sync_fd = sb->sync[0] = -1;
			}
			/* COMMAND's process sent it: it runs now, and the kernel named its pid. */
			if (listener >= 0 && (ri = info_fd_write(&sv->info, command_pid)) < 0)
				log_errno(ri, "--info-fd %d", sb->s->info_fd);
			if (listener >= 0) {
				/* The previous COMMAND's: init killed every process under it. */
				notify_free(sv->notify);
				sv->notify = NULL;
				struct sj_notify_config cfg = {
					.s = sb->s,
					.landlock_abi = sb->landlock_abi,
					.sandbox_pid = sv->pid,
					.netns = &sv->netns,
					.audit = sv->audit,
					.learned = sv->learn_out ? &sv->learned : NULL,
					.unpriv_port_start = read_unpriv_port_start(sb->s),
					/* Each COMMAND's (--restart) supervisor gets copies of them. */
					.run_dir_fds = dup_fds(sv->run_dir_fds, sv->n_run_dir_fds),
					.n_run_dirs = sv->n_run_dir_fds,
					.command_pid = command_pid,
				};
				if (sv->n_run_dir_fds > 0 && !cfg.run_dir_fds)
					cfg.n_run_dirs = 0; /* no memory: every run-dirs check then refuses */
				int r = notify_new(&cfg, listener, &sv->notify);
				if (r < 0) {
					/* Without a supervisor every bind() fails: still safe, but say so. */
					log_errno(r, "seccomp listener");
					kill_sandbox(sv);
				}
			}
		}
		if (pfds[0].revents & POLLIN) {
			siginfo_t si = { 0 };
			if (waitid(P_PIDFD, (id_t)sv->pidfd, &si, WEXITED) < 0) {
				log_errno(-errno, "waitid");
				break;
			}
			status = si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
			/* A READY=1 sent just before the end still reaches systemd. */
			sdnotify_relay_dispatch(&sv->relay);
			break;
		}
	}
	return status;
}

static void cleanup(struct supervisor *sv)
{
	notify_free(sv->notify);
	sv->notify = NULL;
	if (sv->pid > 0) {
		/* Never leave a sandbox behind, whatever path got us here. */
		kill_sandbox(sv);
		waitid(P_PIDFD, (id_t)sv->pidfd, &(siginfo_t){ 0 }, WEXITED);
	}
	if (sv->pidfd >= 0)
		close(sv->pidfd);
	if (sv->sigfd >= 0)
		close(sv->sigfd);
	if (sv->own_netns >= 0)
		close(sv->own_netns);
	for (int i = 0; i < 2; i++) {
		if (sv->sb.sync[i] >= 0)
			close(sv->sb.sync[i]);
		if (sv->sb.run_dirs_sock[i] >= 0)
			close(sv->sb.run_dirs_sock[i]);
	}
	for (size_t i = 0; i < sv->n_run_dir_fds; i++)
		close(sv->run_dir_fds[i]);
	free(sv->run_dir_fds);
	run_socket_follow_free(sv->follow);
	sv->follow = NULL;
	/* Only through the fds kept since the walks, only what sockjail made. */
	listen_fds_host_cleanup(&sv->sb);
	run_dir_share_release(&sv->share, &sv->made);
	if (sv->root_fd >= 0)
		close(sv->root_fd);
	free(sv->sb.host_fds);
	strv_free(&sv->pinned);
	if (sv->audit)
		fclose(sv->audit);
	if (sv->learn_out)
		fclose(sv->learn_out);
	learn_free(&sv->learned);
	mount_plan_free(&sv->sb.plan);
	hide_list_free(&sv->sb.hide);
	seccomp_filter_prog_free(&sv->sb.filter);
	env_free(sv->sb.envp);
	free(sv->sb.inherited_names);
	free(sv->sb.groups);
	free(sv->sb.cwd);
	if (sv->info.fd >= 0)
		close(sv->info.fd);
	sdnotify_relay_free(&sv->relay);
	/*
	 * Last, once nothing of ours holds the sandbox's netns (the relay's
	 * socket was made in it): the kernel then destroys the pair with the
	 * netns, and the teardown only waits for that (netns.c).
	 */
	int r = netns_veth_teardown(&sv->veth);
	if (r < 0)
		log_errno(r, "--net veth: removing %s", sv->veth.host_ifname);
}

/* The host sockets to cover (--other-sockets hidden): after clone(), while the sandbox mounts. */
static int list_hidden(struct supervisor *sv)
{
	struct sj_sandbox *sb = &sv->sb;
	int r = hide_prepare(sb->s, &sb->plan, &sb->hide);
	if (r < 0) {
		log_errno(r, "--other-sockets hidden: listing the host's sockets (sock_diag); "
			     "--other-sockets visible does without");
		return r;
	}
	/* The cover is a file made in the sandbox's user namespace: an unmapped uid cannot (EOVERFLOW). */
	if (sb->uid_unmapped && sb->hide.n) {
		log_error("--other-sockets hidden: root without CAP_SETFCAP gets an unmapped uid in the sandbox's "
			  "user namespace, which cannot make the cover for %s; give sockjail CAP_SETFCAP, or pass "
			  "--other-sockets visible",
			  sb->hide.v[0].path);
		return -EPERM;
	}
	return 0;
}

/*
 * The handshake's end (handshake.h), while the sandbox's first process
 * brings lo up and mounts: the host sockets to cover, our CPUs back to
 * the sandbox, then the list and "S", which it waits for only before it
 * covers the sockets and starts COMMAND. A sandbox that has ended said
 * why itself (or was killed), and serve() reports its status: 0 then too,
 * with nothing logged.
 */
static int sandbox_start(struct supervisor *sv)
{
	struct sj_sandbox *sb = &sv->sb;
	int r;

	if ((r = list_hidden(sv)) < 0)
		return r;
	if ((r = handshake_cpus_restore(sv->pid, &sv->cpus)) < 0 && r != -ESRCH) {
		log_errno(r, "giving the sandbox sockjail's CPU affinity back");
		return r;
	}
	if ((r = handshake_send_start(sb->sync[0], &sb->hide)) < 0 && r != -EPIPE) {
		log_errno(r, "starting the sandbox");
		return r;
	}
	return 0;
}

/*
 * Everything between clone() and serve(), while the sandbox's first
 * process faults itself in (it waits for "g" before it mounts). Returns
 * 0, or a negative errno once logged.
 */
static int sandbox_setup(struct supervisor *sv)
{
	const struct sj_settings *s = sv->sb.s;
	pid_t pid = sv->pid;
	const char *map_step = "";
	enum netns_veth_step step;
	int r;

	/*
	 * Which netns is the sandbox's, noted while its first process waits
	 * for "g": by the time the seccomp listener reaches us, a COMMAND as
	 * quick as true may be gone, and /proc/<pid>/ns with it.
	 */
	_cleanup_close_ int netns_fd = -1;
	if (sv->sb.netns_from_supervisor) {
		/* Made now, while the sandbox's first process faults in. */
		if ((netns_fd = netns_make(sv->own_netns)) < 0) {
			struct sj_startup_probe probe;
			char why[768];
			startup_probe(&probe);
			startup_explain_netns(&probe, netns_fd, why, sizeof(why));
			log_error("%s", why);
			return netns_fd;
		}
	} else if ((netns_fd = procfs_netns_open(sv->pidfd, pid)) < 0) {
		log_errno(netns_fd, "the sandbox's network namespace (/proc/%d/ns/net)", pid);
		return netns_fd;
	}
	if (fstat(netns_fd, &sv->netns) < 0) {
		r = -errno;
		log_errno(r, "the sandbox's network namespace");
		return r;
	}
	if ((r = info_fd_prepare(&sv->info, s, pid, sv->sb.sync[0], (uint64_t)sv->netns.st_ino)) < 0) {
		log_errno(r, "--info-fd: reading the sandbox's namespaces");
		return r;
	}
	if (sv->sb.userns && (r = write_id_maps(pid, &sv->ids, &sv->sb, &map_step)) < 0) {
		const char *why = idmap_explain(&sv->caller, map_step, r);
		log_error("writing the user namespace's %s: %s%s%s", map_step, strerror(-r), why[0] ? ": " : "", why);
		return r;
	}
	/* The child waits for "g" before it mounts: eth0 is ready by then. */
	if (s->net == SJ_NET_VETH && (r = netns_veth_setup(&sv->veth, pid, &step)) < 0) {
		log_errno(r, "--net veth %s: %s", sv->veth.host_ifname, netns_veth_step_to_string(step));
		return r;
	}
	/*
	 * With the netns to join, if it is ours to make; then nothing of ours
	 * keeps it alive (--net veth's teardown waits for it to go).
	 */
	r = netns_fd >= 0 && sv->sb.netns_from_supervisor ? send_fd_with(sv->sb.sync[0], netns_fd, "g", 1)
							  : write_all(sv->sb.sync[0], "g", 1);
	close(TAKE_FD(netns_fd));
	if (r < 0) {
		log_errno(r, "starting the sandbox");
		return r;
	}
	return sandbox_start(sv);
}

int spawn_run(const struct sj_settings *s, char **command)
{
	struct supervisor sv = { .pidfd = -1,
				 .sigfd = -1,
				 .root_fd = -1,
				 .own_netns = -1,
				 .sb.sync = { -1, -1 },
				 .sb.run_dirs_sock = { -1, -1 },
				 .info.fd = -1,
				 .relay = SJ_SDNOTIFY_RELAY_INIT };
	sigset_t set, old;
	int r, status = SJ_EXIT_FAILURE;

	/*
	 * Blocked before prepare() makes --run-dir directories, so that a
	 * signal arriving early cannot kill us before cleanup() removes them,
	 * and before clone(), so that it is forwarded, not lost.
	 */
	/*
	 * A closed stderr (a journald socket the sandbox shut down) must cost
	 * log lines, never the supervisor: a write fails with EPIPE instead.
	 * The sandbox's processes set SIGPIPE back to the default.
	 */
	signal(SIGPIPE, SIG_IGN);
	if ((r = block_forwarded_signals(&set, &old)) < 0 ||
	    (sv.sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) {
		log_errno(r < 0 ? r : -errno, "signals");
		goto out;
	}
	if (prepare(&sv, s, command) < 0)
		goto out;
	bool used_clone2 = false;
	pid_t pid = clone_sandbox(&sv.sb, &sv.pidfd, &used_clone2);
	if (pid < 0) {
		struct sj_startup_probe probe;
		char why[768];
		startup_probe(&probe);
		probe.in_userns_clone = sv.sb.userns;
		startup_explain_clone(&probe, used_clone2, !s->gate_only, pid, why, sizeof(why));
		log_error("%s", why);
		goto out;
	}
	sv.pid = pid;
	/* Until sandbox_start(): its first process faults itself in while we prepare. */
	handshake_cpus_spread(pid, &sv.cpus);
	run_socket_follow_attach(sv.follow, sv.pidfd, sv.sb.userns);
	close(sv.sb.sync[1]);
	sv.sb.sync[1] = -1;
	if (sv.sb.run_dirs_sock[1] >= 0)
		close(sv.sb.run_dirs_sock[1]);
	sv.sb.run_dirs_sock[1] = -1;
	if (sandbox_setup(&sv) < 0)
		goto out;
	if ((r = sdnotify_relay_start(&sv.relay, pid)) < 0) {
		log_errno(r, "NOTIFY_SOCKET: taking over the relay's socket");
		goto out;
	}
	if ((r = receive_run_dirs(&sv)) < 0) {
		log_errno(r, "--pathname-bind run-dirs: receiving the run-dirs from the sandbox");
		goto out;
	}
	status = serve(&sv);
	sv.pid = 0;
	if (sv.learn_out) {
		if ((r = learn_write_profile(sv.learn_out, s, &sv.learned, command, stat)) < 0 ||
		    fclose(sv.learn_out) != 0) {
			log_errno(r < 0 ? r : -errno, "--learn %s", s->learn);
			status = SJ_EXIT_FAILURE;
		}
		sv.learn_out = NULL;
	}
out:
	cleanup(&sv);
	return status;
}

int spawn_print_filter(const struct sj_settings *s)
{
	scmp_filter_ctx ctx = NULL;
	struct sj_filter_opts fo = { .autobind_deny = s->autobind == SJ_AUTOBIND_DENY,
				     .connect_notify = policy_connect_notified(s) };
	int r = seccomp_filter_build(&fo, &ctx);
	if (r < 0) {
		log_errno(r, "building the seccomp filter");
		return SJ_EXIT_FAILURE;
	}
	fflush(stdout);
	r = seccomp_filter_print(ctx, STDOUT_FILENO);
	seccomp_release(ctx);
	if (r < 0) {
		log_errno(r, "printing the seccomp filter");
		return SJ_EXIT_FAILURE;
	}
	return 0;
}
