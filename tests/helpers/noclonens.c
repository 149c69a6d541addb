// SPDX-License-Identifier: MIT
/*
 * noclonens: run a program under a seccomp filter that refuses namespace
 * creation the way container runtimes' default profiles do (Docker's,
 * Kubernetes' RuntimeDefault): clone() and unshare() with any CLONE_NEW*
 * flag fail with EPERM, clone3() fails with ENOSYS (its flags sit behind
 * a pointer a filter cannot read), setns() with EPERM. Plain fork-like
 * clones stay allowed.
 *
 * Usage: noclonens [-e eperm|enosys] -- CMD [ARG...]
 *   -e  the errno clone3() gets (default enosys, as runtimes answer)
 * Execs CMD; prints "SETUP ..." and exits 2 if the filter cannot be loaded.
 */
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "helper.h"

#define NS_FLAGS                                                                                   \
	(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | \
	 CLONE_NEWCGROUP | 0x00000080 /* CLONE_NEWTIME */)

#define ARG0_LO offsetof(struct seccomp_data, args[0])

int main(int argc, char **argv)
{
	int clone3_errno = ENOSYS;
	int i = 1;
	if (i + 1 < argc && strcmp(argv[i], "-e") == 0) {
		clone3_errno = strcmp(argv[i + 1], "eperm") == 0 ? EPERM : ENOSYS;
		i += 2;
	}
	if (i >= argc || strcmp(argv[i], "--") != 0 || i + 1 >= argc) {
		printf("SETUP usage: noclonens [-e eperm|enosys] -- CMD [ARG...]\n");
		return 2;
	}
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone3, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (unsigned)clone3_errno),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_setns, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone, 1, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_unshare, 0, 3),
		/* The low 32 bits of flags: every CLONE_NEW* lives there. */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG0_LO),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, NS_FLAGS, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
		printf("SETUP seccomp: %s\n", strerror(errno));
		return 2;
	}
	execvp(argv[i + 1], argv + i + 1);
	printf("SETUP exec %s: %s\n", argv[i + 1], strerror(errno));
	return 2;
}
