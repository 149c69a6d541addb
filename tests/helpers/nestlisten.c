// SPDX-License-Identifier: MIT
/*
 * nestlisten: install a seccomp filter with a user-notification listener
 * of our own. Under sockjail's filter the kernel refuses it (EBUSY: one
 * listener per filter chain), so a sandboxed process cannot put itself
 * between its children and the supervisor.
 *
 * Usage: nestlisten [-- CMD...]
 * The filter notifies only on an unused syscall number (tuxcall, 184), so
 * CMD runs normally; it inherits the filter, not the listener (O_CLOEXEC),
 * which stays open in this process while CMD runs (fdscan parent finds it).
 * Prints "OK listener fd N" or "ERR seccomp ERRNO". Exit 0 / 1 / 2.
 */
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "helper.h"

int main(int argc, char **argv)
{
	char **cmd = h_split_cmd(&argc, argv);
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 184, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(insns) / sizeof(insns[0]), .filter = insns };

	if (argc != 1) {
		fprintf(stderr, "usage: nestlisten [-- CMD...]\n");
		return H_SETUP;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		h_setup_fail("PR_SET_NO_NEW_PRIVS");
	long fd = syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	if (fd < 0) {
		printf("ERR seccomp %s\n", h_errname(errno));
		h_finish(cmd, H_REFUSED);
	}
	printf("OK listener fd %ld\n", fd);
	h_finish(cmd, H_OK);
}
