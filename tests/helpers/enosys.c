// SPDX-License-Identifier: MIT
/*
 * enosys: run a program as a kernel or a seccomp profile without some
 * system calls would: each one named fails with ENOSYS (everything else
 * is allowed). For sockjail's fallbacks, such as the O_NOFOLLOW walk it
 * uses where openat2() is missing (before Linux 5.6, or a container
 * runtime's profile that does not know it).
 *
 * Usage: enosys SYSCALL[,SYSCALL...] -- CMD [ARG...]
 *   SYSCALL: openat2, clone3, mount_setattr (x86-64 numbers)
 * Execs CMD; prints "SETUP ..." and exits 2 if the filter cannot be loaded.
 */
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "helper.h"

static const struct {
	const char *name;
	unsigned nr;
} known[] = {
	{ "openat2", 437 },
	{ "clone3", 435 },
	{ "mount_setattr", 442 },
};

int main(int argc, char **argv)
{
	if (argc < 4 || strcmp(argv[2], "--") != 0) {
		fprintf(stderr, "usage: enosys SYSCALL[,SYSCALL...] -- CMD [ARG...]\n");
		return H_SETUP;
	}
	struct sock_filter f[64];
	size_t n = 0;
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	char *list = strdup(argv[1]);
	for (char *save = NULL, *name = strtok_r(list, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		size_t k;
		for (k = 0; k < sizeof(known) / sizeof(known[0]) && strcmp(known[k].name, name); k++)
			;
		if (k == sizeof(known) / sizeof(known[0])) {
			errno = EINVAL;
			h_setup_fail("unknown system call %s", name);
		}
		if (n + 2 >= sizeof(f) / sizeof(f[0])) {
			errno = E2BIG;
			h_setup_fail("too many system calls");
		}
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, known[k].nr, 0, 1);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
	}
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { .len = (unsigned short)n, .filter = f };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		h_setup_fail("PR_SET_NO_NEW_PRIVS");
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
		h_setup_fail("seccomp");
	execvp(argv[3], argv + 3);
	h_setup_fail("exec %s", argv[3]);
}
