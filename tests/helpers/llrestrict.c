// SPDX-License-Identifier: MIT
/*
 * llrestrict: restrict itself with Landlock, as a program protecting
 * itself would, then exec CMD (the restriction stays, for CMD and its
 * children).
 *
 * Usage: llrestrict make_sock|bind_tcp|none CMD...
 *   make_sock  handle LANDLOCK_ACCESS_FS_MAKE_SOCK, allow it nowhere
 *   bind_tcp   handle LANDLOCK_ACCESS_NET_BIND_TCP, allow no port
 *   none       restrict nothing (the control)
 * Sets no_new_privs itself (outside sockjail nobody else does).
 * Prints "SETUP ..." and exits 2 when Landlock cannot be used.
 */
#include <linux/landlock.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "helper.h"

/* Newer than Debian 12's headers: the layout of ABI 4+. */
struct ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
};
#define ACCESS_FS_MAKE_SOCK (1ULL << 9)
#define ACCESS_NET_BIND_TCP (1ULL << 0)

int main(int argc, char **argv)
{
	struct ruleset_attr attr = { 0 };
	if (argc < 3)
		goto usage;
	if (strcmp(argv[1], "make_sock") == 0)
		attr.handled_access_fs = ACCESS_FS_MAKE_SOCK;
	else if (strcmp(argv[1], "bind_tcp") == 0)
		attr.handled_access_net = ACCESS_NET_BIND_TCP;
	else if (strcmp(argv[1], "none") != 0)
		goto usage;
	if (attr.handled_access_fs || attr.handled_access_net) {
		int rs = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
		if (rs < 0)
			h_setup_fail("landlock_create_ruleset");
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			h_setup_fail("PR_SET_NO_NEW_PRIVS");
		if (syscall(SYS_landlock_restrict_self, rs, 0) < 0)
			h_setup_fail("landlock_restrict_self");
		close(rs);
	}
	fflush(stdout);
	execvp(argv[2], argv + 2);
	h_setup_fail("exec %s", argv[2]);
usage:
	fprintf(stderr, "usage: llrestrict make_sock|bind_tcp|none CMD...\n");
	return H_SETUP;
}
