// SPDX-License-Identifier: MIT
/*
 * Probing the kernel for --features. Every probe that could change this
 * process (a seccomp filter, new ids, a user namespace, an i386 system
 * call that may kill the caller) runs in a child that exits with the
 * answer.
 */
#include "kernel_features.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "landlock.h"
#include "util.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

/* Run probe() in a child; its exit status 0/1 is YES/NO, anything else UNKNOWN. */
static enum sj_feat in_child(int (*probe)(void))
{
	int status;
	pid_t pid = fork();
	if (pid < 0)
		return SJ_FEAT_UNKNOWN;
	if (pid == 0)
		_exit(probe());
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return SJ_FEAT_UNKNOWN;
	if (!WIFEXITED(status))
		return SJ_FEAT_UNKNOWN;
	return WEXITSTATUS(status) == 0 ? SJ_FEAT_YES : WEXITSTATUS(status) == 1 ? SJ_FEAT_NO : SJ_FEAT_UNKNOWN;
}

/* A listener on an allow-everything filter, and the flag set on it. */
static int probe_sync_wake_up(void)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { .len = 1, .filter = &allow };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return 2;
	int fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	if (fd < 0)
		return 2;
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) == 0)
		return 0;
	return errno == EINVAL || errno == ENOTTY ? 1 : 2;
}

static int probe_userns(void)
{
	return unshare(CLONE_NEWUSER) == 0 ? 0 : 1;
}

/* As uid 65534, which is what an ordinary user would be. */
static int probe_userns_unpriv(void)
{
	if (geteuid() == 0 &&
	    (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 || setresuid(65534, 65534, 65534) < 0))
		return 2;
	return unshare(CLONE_NEWUSER) == 0 ? 0 : 1;
}

#ifdef __x86_64__
/*
 * getpid() through the i386 entry (i386 number 20), in a child: without
 * the entry (no CONFIG_IA32_EMULATION, or ia32_emulation=0 at boot) the
 * int $0x80 faults and the child dies of SIGSEGV.
 */
static enum sj_feat probe_ia32(void)
{
	int status;
	pid_t pid = fork();
	if (pid < 0)
		return SJ_FEAT_UNKNOWN;
	if (pid == 0) {
		long ret;
		/* The expected fault must not leave a core file. */
		setrlimit(RLIMIT_CORE, &(struct rlimit){ 0, 0 });
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
		__asm__ volatile("int $0x80"
				 : "=a"(ret)
				 : "a"(20L)
				 : "memory", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15");
		_exit(ret == (long)getpid() ? 0 : ret == -ENOSYS ? 1 : 2);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return SJ_FEAT_UNKNOWN;
	if (WIFSIGNALED(status))
		return WTERMSIG(status) == SIGSEGV ? SJ_FEAT_NO : SJ_FEAT_UNKNOWN;
	return WEXITSTATUS(status) == 0 ? SJ_FEAT_YES : WEXITSTATUS(status) == 1 ? SJ_FEAT_NO : SJ_FEAT_UNKNOWN;
}
#endif

static long read_sysctl(const char *path)
{
	long v = -1;
	FILE *f = fopen(path, "re");
	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

void features_probe(struct sj_features *f)
{
	struct utsname u;

	*f = (struct sj_features){ .ia32 = SJ_FEAT_UNKNOWN };
	if (uname(&u) == 0)
		snprintf(f->kernel, sizeof(f->kernel), "%s", u.release);

	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	f->landlock_abi = abi < 0 ? 0 : (int)abi;
	f->landlock_errno = abi < 0 ? errno : 0;

	/* Our own main thread: refused with EINVAL where the flag is unknown. */
	int fd = sys_pidfd_open(getpid(), PIDFD_THREAD);
	f->pidfd_thread = fd >= 0 ? SJ_FEAT_YES : errno == EINVAL ? SJ_FEAT_NO : SJ_FEAT_UNKNOWN;
	if (fd >= 0)
		close(fd);

	f->sync_wake_up = in_child(probe_sync_wake_up);
	f->max_user_namespaces = read_sysctl("/proc/sys/user/max_user_namespaces");
	f->unpriv_userns_clone = (int)read_sysctl("/proc/sys/kernel/unprivileged_userns_clone");
	f->apparmor_restrict_userns = (int)read_sysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns");
	f->userns = in_child(probe_userns);
	f->userns_unpriv = in_child(probe_userns_unpriv);

	struct { uint32_t w[30]; } params = { { 0 } }; /* struct io_uring_params, 120 bytes */
	fd = (int)syscall(SYS_io_uring_setup, 1, &params);
	f->io_uring = fd >= 0 ? SJ_FEAT_YES : SJ_FEAT_NO;
	f->io_uring_errno = fd >= 0 ? 0 : errno;
	if (fd >= 0)
		close(fd);
#ifdef __x86_64__
	f->ia32 = probe_ia32();
#endif
	f->legacy_tiocsti = (int)read_sysctl("/proc/sys/dev/tty/legacy_tiocsti");
}
