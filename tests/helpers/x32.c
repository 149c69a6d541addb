// SPDX-License-Identifier: MIT
/*
 * x32: bind an abstract name with the x32 syscall number of bind()
 * (__X32_SYSCALL_BIT | 49), which arrives as AUDIT_ARCH_X86_64.
 *
 * Usage: x32 ADDRESS [-- CMD...]
 * Prints "OK bound NAME via x32 bind" or "ERR x32 bind ERRNO". On a kernel
 * built without CONFIG_X86_X32_ABI (this project's machines) the call
 * fails with ENOSYS outside a sandbox; under sockjail the filter kills the
 * process first (SIGSYS, sockjail exits 159). Exit 0 / 1 / 2 (helper.h).
 */
#include <stdint.h>
#include <sys/syscall.h>

#include "helper.h"

#define X32_SYSCALL_BIT 0x40000000L
#define X32_NR_BIND 49 /* x32 shares x86_64's number for bind */

int main(int argc, char **argv)
{
	char **cmd = h_split_cmd(&argc, argv);
	struct sockaddr_un sun;

	if (argc != 2) {
		fprintf(stderr, "usage: x32 ADDRESS [-- CMD...]\n");
		return H_SETUP;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	size_t n = h_parse_name(argv[1], (unsigned char *)sun.sun_path);
	if (n > sizeof(sun.sun_path))
		h_setup_fail("name too long");
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		h_setup_fail("socket");
	fprintf(stderr, "x32: trying syscall %#lx\n", X32_SYSCALL_BIT | X32_NR_BIND);
	fflush(stderr);
	long r = syscall(X32_SYSCALL_BIT | X32_NR_BIND, fd, &sun, offsetof(struct sockaddr_un, sun_path) + n);
	if (r < 0) {
		printf("ERR x32 bind %s\n", h_errname(errno));
		h_finish(cmd, H_REFUSED);
	}
	char name[512];
	h_sockname(fd, name, sizeof(name));
	printf("OK bound %s via x32 bind\n", name);
	h_finish(cmd, H_OK);
}
