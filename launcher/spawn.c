// SPDX-License-Identifier: MIT
/*
 * The supervisor, sockjail's own process outside the sandbox. Everything
 * that can fail because of the settings fails here, before anything is
 * unshared; after clone() it writes the id maps, answers bind()
 * notifications, forwards signals, and cleans up on every path.
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
#include "hide.h"
#include "landlock.h"
#include "learn.h"
#include "listen_fds.h"
#include "listen_spec.h"
#include "log.h"
#include "mount_plan.h"
#include "netns.h"
#include "notify.h"
#include "sandbox.h"
#include "seccomp_filter.h"
#include "util.h"

extern char **environ;

/* Directories sockjail made on the host for --run-dir, removed at the end. */
struct created_dirs {
	char *v[64];
	size_t n;
};

static void remove_tree_at(int parent, const char *name)
{
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		DIR *d = fdopendir(fd);
		if (d) {
			struct dirent *e;
			while ((e = readdir(d)))
				if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
					if (unlinkat(dirfd(d), e->d_name, 0) < 0 && errno == EISDIR)
						remove_tree_at(dirfd(d), e->d_name);
			closedir(d);
		} else {
			close(fd);
		}
	}
	unlinkat(parent, name, AT_REMOVEDIR);
}

static void created_dirs_remove(struct created_dirs *c)
{
	/* Deepest first; openat(O_NOFOLLOW) so a symlink planted inside is never followed. */
	while (c->n > 0) {
		char *p = c->v[--c->n];
		remove_tree_at(AT_FDCWD, p);
		free(p);
	}
}

static int make_run_dir(const char *path, uid_t uid, gid_t gid, bool chown_it, struct created_dirs *c)
{
	char buf[4096];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (mkdir(buf, 0755) == 0) {
			if (c->n >= ARRAY_SIZE(c->v) || !(c->v[c->n] = strdup(buf)))
				return -ENOMEM;
			c->n++;
			if (chown_it && chown(buf, uid, gid) < 0)
				return -errno;
			/* mkdir() applied our umask: the directory is 0755 as documented. */
			if (chmod(buf, 0755) < 0)
				return -errno;
		} else if (errno != EEXIST) {
			return -errno;
		}
		*p = saved;
		if (saved == '\0')
			break;
	}
	struct stat st;
	if (stat(path, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	return 0;
}

static int write_id_maps(pid_t pid, const struct sj_sandbox *sb)
{
	char path[64], map[128];
	int r;

	if (sb->caller_uid != 0) {
		/* An unprivileged writer maps one id, and must give up setgroups first. */
		snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
		if ((r = write_file(path, "deny")) < 0 && r != -ENOENT)
			return r;
		snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)sb->uid, (unsigned)sb->caller_uid);
	} else if (sb->uid != 0) {
		snprintf(map, sizeof(map), "0 0 1\n%u %u 1\n", (unsigned)sb->uid, (unsigned)sb->uid);
	} else {
		snprintf(map, sizeof(map), "0 0 1\n");
	}
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	if ((r = write_file(path, map)) < 0)
		return r;
	if (sb->caller_uid != 0)
		snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)sb->gid, (unsigned)sb->caller_gid);
	else if (sb->gid != 0)
		snprintf(map, sizeof(map), "0 0 1\n%u %u 1\n", (unsigned)sb->gid, (unsigned)sb->gid);
	else
		snprintf(map, sizeof(map), "0 0 1\n");
	snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
	return write_file(path, map);
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
static pid_t clone_sandbox(const struct sj_sandbox *sb, int *pidfd)
{
	const struct sj_settings *s = sb->s;
	uint64_t flags = CLONE_NEWNS | CLONE_PIDFD;
	if (s->net != SJ_NET_HOST)
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
	if (pid < 0 && errno == ENOSYS)
		pid = syscall(SYS_clone, (unsigned long)(flags | SIGCHLD), NULL, pidfd, NULL, 0UL);
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
	struct created_dirs dirs;
	FILE *audit;
	FILE *learn_out; /* --learn FILE, opened before the run */
	struct sj_learned learned;
	pid_t pid;
	int pidfd;
	int sigfd;
	struct sj_notify *notify;
	struct stat netns; /* the sandbox's network namespace, for notify */
	struct netns_veth veth; /* --net veth: its host end is deleted in cleanup() */
	/* Socket files --listen creates on the host, unlinked at the end. */
	struct sj_strv listen_paths;
};

/*
 * A --listen unix: path must be free now: sockjail removes the file at the
 * end, and must never remove one it did not create.
 */
static int check_listen_paths(struct supervisor *sv, const struct sj_settings *s)
{
	for (size_t i = 0; i < s->listen.n; i++) {
		struct sj_listen_spec l;
		struct stat st;
		int r = listen_spec_parse(s->listen.v[i], &l, NULL, 0);
		if (r < 0)
			return r;
		if (l.kind == SJ_LISTEN_UNIX) {
			if (lstat(l.path, &st) == 0)
				r = -EADDRINUSE;
			else if (errno != ENOENT)
				r = -errno;
			else
				r = strv_push(&sv->listen_paths, l.path);
			if (r < 0)
				log_errno(r, "--listen %s", s->listen.v[i]);
		}
		listen_spec_free(&l);
		if (r < 0)
			return r;
	}
	return 0;
}

static void remove_listen_paths(struct supervisor *sv)
{
	for (size_t i = 0; i < sv->listen_paths.n; i++) {
		struct stat st;
		if (lstat(sv->listen_paths.v[i], &st) == 0 && S_ISSOCK(st.st_mode))
			unlink(sv->listen_paths.v[i]);
	}
	strv_free(&sv->listen_paths);
}

static int prepare(struct supervisor *sv, const struct sj_settings *s, char **command)
{
	struct sj_sandbox *sb = &sv->sb;
	char err[512], warn[512];
	int r;

	sb->s = s;
	sb->command = command;
	sb->sync[0] = sb->sync[1] = -1;
	sb->caller_uid = geteuid();
	sb->caller_gid = getegid();
	sb->userns = s->userns || !caps_effective_has(CAP_SYS_ADMIN);
	sb->uid = s->uid_set ? s->uid : sb->caller_uid;
	sb->gid = s->gid_set ? s->gid : sb->caller_gid;
	sb->set_groups = !(sb->userns && sb->caller_uid != 0);
	if (!getcwd(sb->cwd, sizeof(sb->cwd)))
		sb->cwd[0] = '\0';

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

	scmp_filter_ctx ctx = NULL;
	sb->sync_child_fd = 3 + sb->n_inherited + (int)s->listen.n;
	struct sj_filter_opts fo = { .autobind_deny = s->autobind == SJ_AUTOBIND_DENY,
				     .learn = s->learn != NULL,
				     .learn_skip_fd = sb->sync_child_fd };
	if ((r = seccomp_filter_build(&fo, &ctx)) < 0) {
		log_errno(r, "building the seccomp filter");
		return r;
	}
	r = seccomp_filter_export(ctx, &sb->filter);
	seccomp_release(ctx);
	if (r < 0) {
		log_errno(r, "exporting the seccomp filter");
		return r;
	}
	if ((r = mount_plan_build(s, &sb->plan)) < 0) {
		log_errno(r, "building the mount plan");
		return r;
	}
	if ((r = hide_prepare(s, &sb->plan, &sb->hide)) < 0) {
		log_errno(r, "--other-sockets hidden: listing the host's sockets (sock_diag); "
			     "--other-sockets visible does without");
		return r;
	}
	if (!(sb->envp = env_build(environ, s))) {
		log_errno(-ENOMEM, "environment");
		return -ENOMEM;
	}

	/* What must exist on the host is checked now, not half-way through. */
	for (size_t i = 0; i < s->run_sockets.n; i++) {
		struct stat st;
		if (stat(s->run_sockets.v[i], &st) < 0) {
			r = -errno;
			log_errno(r, "--run-socket %s", s->run_sockets.v[i]);
			return r;
		}
	}
	for (size_t i = 0; i < s->n_mounts; i++) {
		struct stat st;
		const struct sj_mount_req *m = &s->mounts[i];
		if (m->src && stat(m->src, &st) < 0) {
			r = -errno;
			log_errno(r, "--%s %s", m->kind == SJ_MOUNT_BIND ? "bind" : "ro-bind", m->src);
			return r;
		}
	}
	if (s->audit) {
		if (strcmp(s->audit, "-") == 0)
			sv->audit = fdopen(dup(STDERR_FILENO), "a");
		else
			sv->audit = fopen(s->audit, "ae");
		if (!sv->audit) {
			r = -errno;
			log_errno(r, "--audit %s", s->audit);
			return r;
		}
		if (strcmp(s->audit, "-") == 0)
			fcntl(fileno(sv->audit), F_SETFD, FD_CLOEXEC);
	}
	if ((r = check_listen_paths(sv, s)) < 0)
		return r;
	/* --learn's file is opened now, so a bad path fails before the run. */
	if (s->learn && !(sv->learn_out = fopen(s->learn, "we"))) {
		r = -errno;
		log_errno(r, "--learn %s", s->learn);
		return r;
	}
	/* Host uid of the sandbox's uid: our own when rootless, else as given. */
	bool chown_dirs = sb->caller_uid == 0;
	for (size_t i = 0; i < s->run_dirs.n; i++) {
		if ((r = make_run_dir(s->run_dirs.v[i], sb->uid, sb->gid, chown_dirs, &sv->dirs)) < 0) {
			log_errno(r, "--run-dir %s", s->run_dirs.v[i]);
			return r;
		}
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sb->sync) < 0) {
		r = -errno;
		log_errno(r, "socketpair");
		return r;
	}
	return 0;
}

static void forward_signal(struct supervisor *sv)
{
	struct signalfd_siginfo si;
	if (read(sv->sigfd, &si, sizeof(si)) == sizeof(si))
		sys_pidfd_send_signal(sv->pidfd, (int)si.ssi_signo);
}

static void kill_sandbox(struct supervisor *sv)
{
	if (sv->pidfd >= 0)
		sys_pidfd_send_signal(sv->pidfd, SIGKILL);
}

/* Serve until the sandbox's first process exits; returns sockjail's exit status. */
static int serve(struct supervisor *sv)
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
		if (pfds[1].revents & POLLIN)
			forward_signal(sv);
		if (sync_fd >= 0 && pfds[2].revents) {
			int listener = recv_fd(sync_fd);
			close(sync_fd);
			sync_fd = sb->sync[0] = -1;
			if (listener >= 0) {
				struct sj_notify_config cfg = {
					.s = sb->s,
					.landlock_abi = sb->landlock_abi,
					.sandbox_pid = sv->pid,
					.netns = &sv->netns,
					.audit = sv->audit,
					.learned = sv->learn_out ? &sv->learned : NULL,
					.unpriv_port_start = read_unpriv_port_start(sb->s),
				};
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
	int r = netns_veth_teardown(&sv->veth);
	if (r < 0)
		log_errno(r, "--net veth: removing %s", sv->veth.host_ifname);
	if (sv->pidfd >= 0)
		close(sv->pidfd);
	if (sv->sigfd >= 0)
		close(sv->sigfd);
	for (int i = 0; i < 2; i++)
		if (sv->sb.sync[i] >= 0)
			close(sv->sb.sync[i]);
	remove_listen_paths(sv);
	created_dirs_remove(&sv->dirs);
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
}

int spawn_run(const struct sj_settings *s, char **command)
{
	struct supervisor sv = { .pidfd = -1, .sigfd = -1, .sb.sync = { -1, -1 } };
	sigset_t set, old;
	int r, status = SJ_EXIT_FAILURE;

	/*
	 * Blocked before prepare() makes --run-dir directories, so that a
	 * signal arriving early cannot kill us before cleanup() removes them,
	 * and before clone(), so that it is forwarded, not lost.
	 */
	if ((r = block_forwarded_signals(&set, &old)) < 0 ||
	    (sv.sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) {
		log_errno(r < 0 ? r : -errno, "signals");
		goto out;
	}
	if (prepare(&sv, s, command) < 0)
		goto out;
	pid_t pid = clone_sandbox(&sv.sb, &sv.pidfd);
	if (pid < 0) {
		log_errno(pid, "creating the sandbox's namespaces (clone3)");
		goto out;
	}
	sv.pid = pid;
	close(sv.sb.sync[1]);
	sv.sb.sync[1] = -1;
	/*
	 * Which netns is the sandbox's, noted while its first process waits
	 * for "g": by the time the seccomp listener reaches us, a COMMAND as
	 * quick as true may be gone, and /proc/<pid>/ns with it.
	 */
	char ns_path[64];
	snprintf(ns_path, sizeof(ns_path), "/proc/%d/ns/net", (int)pid);
	if (stat(ns_path, &sv.netns) < 0) {
		log_errno(-errno, "%s", ns_path);
		goto out;
	}
	if (sv.sb.userns && (r = write_id_maps(pid, &sv.sb)) < 0) {
		log_errno(r, "writing the user namespace's id maps");
		goto out;
	}
	/* The child waits for "g" before it brings lo up: eth0 is ready by then. */
	enum netns_veth_step step;
	if (s->net == SJ_NET_VETH && (r = netns_veth_setup(&sv.veth, pid, &step)) < 0) {
		log_errno(r, "--net veth %s: %s", sv.veth.host_ifname, netns_veth_step_to_string(step));
		goto out;
	}
	if ((r = write_all(sv.sb.sync[0], "g", 1)) < 0) {
		log_errno(r, "starting the sandbox");
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
	struct sj_filter_opts fo = { .autobind_deny = s->autobind == SJ_AUTOBIND_DENY };
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
