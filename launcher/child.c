// SPDX-License-Identifier: MIT
/*
 * The one place that fixes the sandbox's order of steps.
 *
 * Init (PID 1 inside): loopback up, mounts, fork COMMAND's process, then
 * reap orphans and forward signals until COMMAND exits.
 *
 * COMMAND's process: no_new_privs (Landlock needs it where there is no
 * CAP_SYS_ADMIN, as with --gate-only in a container), Landlock, --listen
 * sockets (after Landlock, so they belong to the sandbox's Landlock
 * domain), ids, capabilities, stray fds, the seccomp filter (last: every
 * earlier step may make syscalls the filter would gate), execve.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "cleanup.h"
#include "env.h"
#include "handshake.h"
#include "hide.h"
#include "landlock.h"
#include "listen_fds.h"
#include "lo_up.h"
#include "log.h"
#include "proc_policy.h"
#include "proc_title.h"
#include "reaper.h"
#include "restart.h"
#include "run_socket_follow.h"
#include "sdnotify_relay.h"
#include "sandbox.h"
#include "seccomp_filter.h"
#include "startup_errors.h"
#include "util.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

extern char **environ;

static const int forwarded_signals[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH };

static void noop_handler(int sig)
{
	(void)sig;
}

/*
 * PID 1 of a namespace ignores every signal whose handler is SIG_DFL, even
 * while blocked for signalfd; a real handler makes the kernel queue them.
 */
static int init_block_signals(sigset_t *set)
{
	struct sigaction sa = { .sa_handler = noop_handler };
	sigemptyset(set);
	sigaddset(set, SIGCHLD);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded_signals); i++)
		sigaddset(set, forwarded_signals[i]);
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(set, sig) == 1 && sigaction(sig, &sa, NULL) < 0)
			return -errno;
	if (sigprocmask(SIG_BLOCK, set, NULL) < 0)
		return -errno;
	return 0;
}

static void restore_signals(void)
{
	struct sigaction sa = { .sa_handler = SIG_DFL };
	sigset_t all;
	for (size_t i = 0; i < ARRAY_SIZE(forwarded_signals); i++)
		sigaction(forwarded_signals[i], &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL); /* the supervisor ignores it; COMMAND gets the default */
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
}

/* COMMAND has exited under --wait command: say what exiting now kills. */
static void report_leftovers(const struct sj_sandbox *sb)
{
	siginfo_t si;
	/*
	 * No child left (ECHILD): every process of ours was our descendant or
	 * was orphaned to us, so none is left, and reading /proc (about a
	 * tenth of a default start-up's time) is not needed. One that entered
	 * our PID namespace from outside (setns) is killed with the rest when
	 * we exit, but goes uncounted.
	 */
	if (sb->s->quiet || waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
		return;
	int n = reaper_count_others();
	if (n > 0)
		log_error("COMMAND exited; killing the %d process%s it left running (--wait all waits for them)", n,
			  n == 1 ? "" : "es");
}

__attribute__((noreturn)) static void init_loop(const struct sj_sandbox *sb, pid_t command, const sigset_t *set)
{
	bool wait_all = sb->s->wait == SJ_WAIT_ALL, command_done = false;
	int command_status = 0, last_status = 0;
	int sfd = signalfd(-1, set, SFD_CLOEXEC);
	if (sfd < 0)
		die_errno(-errno, "init: signalfd");
	for (;;) {
		struct signalfd_siginfo si;
		ssize_t n = read(sfd, &si, sizeof(si));
		if (n < 0 && errno == EINTR)
			continue;
		if (n != sizeof(si))
			die_errno(-errno, "init: read signalfd");
		if (si.ssi_signo != SIGCHLD) {
			/* Once COMMAND is gone (--wait all), the signal is for what it left. */
			if (command_done)
				reaper_signal_all((int)si.ssi_signo, si.ssi_code == SI_KERNEL);
			else if (proc_policy_forward_signal(si.ssi_code, reaper_same_pgrp(command)))
				kill(command, (int)si.ssi_signo);
			continue;
		}
		/* Reap everything: orphans reparented to us, and COMMAND. */
		for (;;) {
			int status;
			pid_t p = waitpid(-1, &status, WNOHANG);
			/* Every process in the namespace descends from init: none left. */
			if (p < 0 && errno == ECHILD && command_done)
				_exit(proc_policy_wait_all_status(command_status, last_status));
			if (p <= 0)
				break;
			last_status = status;
			if (p != command)
				continue;
			/*
			 * COMMAND is done: exiting ends the namespace, and the
			 * kernel kills whatever it left behind (daemons too).
			 */
			if (!wait_all) {
				report_leftovers(sb);
				_exit(proc_policy_exit_status(status));
			}
			command_done = true;
			command_status = status;
		}
	}
}

static int drop_ids(const struct sj_sandbox *sb)
{
	if (sb->set_groups && setgroups(sb->n_groups, sb->groups) < 0) {
		int e = errno;
		/* A user namespace made with setgroups "deny" keeps its groups. */
		char buf[16] = "";
		int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			ssize_t n = read(fd, buf, sizeof(buf) - 1);
			buf[n > 0 ? n : 0] = '\0';
			close(fd);
		}
		if (e != EPERM || strncmp(buf, "deny", 4) != 0)
			return -e;
	}
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return -errno;
	if (setresgid(sb->gid, sb->gid, sb->gid) < 0)
		return -errno;
	if (!sb->uid_unmapped && setresuid(sb->uid, sb->uid, sb->uid) < 0)
		return -errno;
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return -errno;
	return 0;
}

static void enter_cwd(const struct sj_sandbox *sb)
{
	if (sb->s->chdir) {
		if (chdir(sb->s->chdir) < 0)
			die_errno(-errno, "--chdir %s", sb->s->chdir);
		return;
	}
	/* The same path in the new mount tree, or / if it is hidden now. */
	if (!sb->cwd || chdir(sb->cwd) < 0)
		if (chdir("/") < 0)
			die_errno(-errno, "chdir /");
}

__attribute__((noreturn)) static void command_main(const struct sj_sandbox *sb)
{
	const char *step = NULL, *what = NULL;
	int r;

	restore_signals();
	/*
	 * Keep the sync socket out of the range the activation fds take;
	 * it is O_CLOEXEC, so execve() closes it.
	 */
	int listen_total = sb->n_inherited + (int)sb->s->listen.n;
	int sync_fd = sb->sync_child_fd;
	/* A fixed number: the --learn filter exempts the handover on it. */
	if (sb->sync[1] != sync_fd) {
		if (dup3(sb->sync[1], sync_fd, O_CLOEXEC) < 0)
			die_errno(-errno, "dup3");
		close(sb->sync[1]);
	}

	/*
	 * landlock_restrict_self() needs no_new_privs or CAP_SYS_ADMIN in our
	 * user namespace; with --gate-only in a container without that
	 * capability there is no namespace of ours to have it in. Setting it
	 * now changes nothing for the id and capability changes below (it
	 * only stops execve() from granting privileges).
	 */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die_errno(-errno, "PR_SET_NO_NEW_PRIVS");
	/* With --restart, init did both once for every COMMAND (restart.c). */
	if (!sb->listen_held && (r = landlock_apply(sb->s, sb->landlock_abi, &step)) < 0)
		die_errno(r, "%s", step);
	/*
	 * After Landlock, so that the socket belongs to COMMAND's domain (its
	 * abstract-socket scope refuses senders outside it otherwise), and
	 * before the seccomp filter, which would gate the bind. Only with a
	 * relay: a start without one does not fault in its code.
	 */
	if (!sb->listen_held && sb->sdnotify->on && (r = sdnotify_relay_child(sb->sdnotify)) < 0)
		die_errno(r, "NOTIFY_SOCKET: binding the relay's socket %s", sb->sdnotify->name);

	char **envp = sb->envp;
	if (sb->listen_held)
		r = listen_fds_place(sb, sb->listen_held, &envp, &step, &what);
	else
		r = listen_fds_setup(sb, &envp, &step, &what);
	if (r < 0)
		die_errno(r, "%s %s", step, what ? what : "");

	if ((r = drop_ids(sb)) < 0)
		die_errno(r, "setting uid %u, gid %u", (unsigned)sb->uid, (unsigned)sb->gid);
	if ((r = caps_restrict(sb->s->cap_keep, sb->uid != 0)) < 0)
		die_errno(r, "dropping capabilities");
	enter_cwd(sb);
	/* No controlling terminal: nothing to push input into (TIOCSTI is refused by the filter anyway). */
	if (sb->s->new_session && setsid() < 0)
		die_errno(-errno, "--new-session: setsid");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die_errno(-errno, "PR_SET_NO_NEW_PRIVS");

	/* Everything above the activation fds is closed by execve(). */
	if (syscall(SYS_close_range, 3 + listen_total, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		die_errno(-errno, "close_range");

	int listener = seccomp_filter_install(&sb->filter);
	if (listener < 0)
		die_errno(listener, "loading the seccomp filter");
	/* The listener must never stay in the sandbox: hand it over, close it. */
	if ((r = send_fd(sync_fd, listener)) < 0)
		die_errno(r, "handing the seccomp listener to the supervisor");
	close(listener);
	close(sync_fd);

	environ = envp;
	execvp(sb->command[0], sb->command);
	int e = errno;
	log_errno(-e, "%s", sb->command[0]);
	_exit(e == ENOENT || e == ENOTDIR ? SJ_EXIT_NOT_FOUND : SJ_EXIT_CANNOT_EXEC);
}

/*
 * --pathname-bind run-dirs: hand the supervisor O_PATH fds of the run-dirs
 * as this mount namespace shows them, before COMMAND runs. Its executor
 * decides on those inodes, never on paths resolved in a root or mount
 * namespace COMMAND made for itself. Batches of SJ_FDS_PER_MESSAGE, tag 'R'.
 */
static void send_run_dirs(const struct sj_sandbox *sb)
{
	const struct sj_settings *s = sb->s;
	int fds[SJ_FDS_PER_MESSAGE];
	size_t k = 0;
	int r;

	if (sb->run_dirs_sock[1] < 0)
		return;
	for (size_t i = 0; i < s->run_dirs.n; i++) {
		fds[k] = open(s->run_dirs.v[i], O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fds[k] < 0)
			die_errno(-errno, "--run-dir %s: opening it in the sandbox", s->run_dirs.v[i]);
		if (++k == ARRAY_SIZE(fds) || i + 1 == s->run_dirs.n) {
			if ((r = send_fds(sb->run_dirs_sock[1], 'R', fds, k)) < 0)
				die_errno(r, "handing the run-dirs to the supervisor");
			while (k > 0)
				close(fds[--k]);
		}
	}
	/* EOF for the supervisor; COMMAND never holds it. */
	close(sb->run_dirs_sock[1]);
}

/*
 * --restart starts COMMAND many times: fork(), not vfork(), since
 * command_main() reallocs the environment, which with vfork() would be
 * init's own array for the next start.
 */
static pid_t fork_command(const struct sj_sandbox *sb)
{
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
			die_errno(-errno, "PR_SET_PDEATHSIG");
		command_main(sb);
	}
	return pid;
}

/* Before the mounts, as the design's order of steps has it; nothing to do with --net host. */
static void bring_lo_up(const struct sj_sandbox *sb)
{
	int r;
	if (sb->lo_req.len && (r = lo_up(&sb->lo_req)) < 0)
		die_errno(r, "bringing up lo (RTM_NEWLINK)");
}

void child_main(struct sj_sandbox *sb)
{
	const struct sj_settings *s = sb->s;
	sigset_t set;
	char go;
	size_t failed = 0;
	int r;

	/* The sandbox dies with sockjail, whatever kills it. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		die_errno(-errno, "PR_SET_PDEATHSIG");
	/* The supervisor ignores SIGPIPE; nothing here should inherit that. */
	sigaction(SIGPIPE, &(struct sigaction){ .sa_handler = SIG_DFL }, NULL);
	close(sb->sync[0]);
	if (sb->run_dirs_sock[0] >= 0)
		close(sb->run_dirs_sock[0]);
	/* Host directories the supervisor keeps for its cleanup: nothing in here may reach them. */
	for (size_t i = 0; i < sb->n_host_fds; i++)
		close(sb->host_fds[i]);
	/* Wait for the id maps (and the veth); EOF means the supervisor died. */
	if (sb->netns_from_supervisor) {
		/* The netns comes with "g": joined before the mounts (sysfs shows the mounter's netns). */
		int ns = recv_fd(sb->sync[1]);
		if (ns == -EPIPE)
			_exit(SJ_EXIT_FAILURE);
		if (ns < 0)
			die_errno(ns, "receiving the network namespace from the supervisor");
		if (setns(ns, CLONE_NEWNET) < 0)
			die_errno(-errno, "joining the network namespace the supervisor made");
		close(ns);
		bring_lo_up(sb);
	} else {
		/*
		 * Already in our netns (clone()'s): lo now, while the
		 * supervisor writes the id maps. Our capabilities over a netns
		 * of our own user namespace do not wait for them.
		 */
		bring_lo_up(sb);
		if (read_all(sb->sync[1], &go, 1) != 1)
			_exit(SJ_EXIT_FAILURE);
	}

	/* --info-fd is the supervisor's to write; a copy here would hold the reader's EOF back. */
	if (s->info_fd >= 0)
		close(s->info_fd);
	/* Before /run is covered: the supervisor follows these sockets (run_socket_follow.c). */
	if (sb->n_follow_dirs > 0 && (r = run_socket_follow_send_dirs(sb)) < 0)
		die_errno(r, "--run-socket: handing its directory to the supervisor");
	if ((r = mount_apply(&sb->plan, &failed)) < 0) {
		const struct sj_mount_op *o = &sb->plan.ops[failed];
		if (r == -ESTALE && o->pinned)
			die("%s %s: replaced on the host while sockjail was starting (%s is no longer what was "
			    "checked); not mounting it",
			    o->origin, o->src, o->pinned);
		char why[512];
		if ((o->kind == SJ_MOP_PROC || o->kind == SJ_MOP_SYSFS) &&
		    startup_explain_mount(o->kind == SJ_MOP_PROC, r, why, sizeof(why)))
			die("%s", why);
		if (o->src)
			die_errno(r, "%s %s: mounting on %s", o->origin, o->src, o->dst);
		die_errno(r, "%s: mounting %s", o->origin, o->dst);
	}
	/*
	 * The host sockets to cover, which the supervisor lists while we
	 * mount; lo is up once they have all come (EOF: the supervisor could
	 * not do either, and said why). Before anything else is read from it
	 * on this socket.
	 */
	if ((r = handshake_recv_start(sb->sync[1], &sb->hide)) == -EPIPE)
		_exit(SJ_EXIT_FAILURE);
	if (r < 0)
		die_errno(r, "receiving the sockets to cover from the supervisor");
	/* After the user's mounts, which decide what the sandbox would see. */
	if ((r = hide_apply(&sb->hide, &failed)) < 0)
		die_errno(r, "--other-sockets hidden: covering %s",
			  failed < sb->hide.n ? sb->hide.v[failed].path : "(making the cover)");
	send_run_dirs(sb);
	/* Before COMMAND: an optional socket that is up must not show as its placeholder. */
	if (sb->n_follow_dirs > 0 && (r = run_socket_follow_mounts_done(sb)) < 0)
		die_errno(r, "--run-socket: waiting for the supervisor to mount the sockets that exist");

	if (s->pid == SJ_PID_HOST)
		command_main(sb);

	if ((r = init_block_signals(&set)) < 0)
		die_errno(r, "init: signals");
	if (s->restart != SJ_RESTART_NO)
		restart_init_run(sb, &set, fork_command);
	/*
	 * vfork(): COMMAND's process borrows our memory until its execve()
	 * instead of copying our page tables and faulting in copies of every
	 * page it writes, which took ~1.5 ms of each start on the benchmark
	 * machine (README.md, "Benchmarks"). It is safe here because
	 * command_main() only ever ends in execve() or _exit() (die_errno()),
	 * we wait, suspended, until it does, and it has its own fds, signal
	 * handlers, cwd and credentials (no CLONE_FILES, _SIGHAND, _FS).
	 */
	pid_t pid = vfork();
	if (pid < 0)
		die_errno(-errno, "vfork");
	if (pid == 0) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
			die_errno(-errno, "PR_SET_PDEATHSIG");
		command_main(sb);
	}
	close(sb->sync[1]);
	/* COMMAND's process has bound its --listen sockets: init needs no host directory. */
	for (size_t i = 0; sb->listen_host && i < s->listen.n; i++)
		if (sb->listen_host[i].parent_fd >= 0)
			close(sb->listen_host[i].parent_fd);
	/* In ps: "sockjail: init COMMAND...", not a second copy of sockjail's own line. */
	if ((r = proc_title_set("sockjail-init", "init")) < 0)
		die_errno(r, "PR_SET_NAME");
	init_loop(sb, pid, &set);
}
