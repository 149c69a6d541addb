// SPDX-License-Identifier: MIT
/*
 * bind32_m32: a static i386 program that binds an abstract name, every
 * system call through int $0x80 (AUDIT_ARCH_I386).
 *
 * Usage: bind32_m32 socketcall|bind ADDRESS [-- CMD...]
 *   socketcall  socket and bind through socketcall(2) (i386 syscall 102)
 *   bind        socket (359) and bind (361) as direct i386 syscalls
 * Prints "OK bound NAME via i386 socketcall" or "ERR i386 bind ERRNO".
 * Under sockjail every i386 call kills the process (SIGSYS, sockjail
 * exits 159): libc's own start-up calls already do, before main() runs.
 * Exit 0 / 1 / 2 (see helper.h).
 */
#include <stdint.h>

#include "helper.h"

#define I386_NR_SOCKETCALL 102
#define I386_NR_SOCKET 359
#define I386_NR_BIND 361
#define CALL_SOCKET 1
#define CALL_BIND 2

static long int80(long nr, long a, long b, long c)
{
	long ret;
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return ret;
}

int main(int argc, char **argv)
{
	char **cmd = h_split_cmd(&argc, argv);
	static struct sockaddr_un sun;
	uint32_t args[3];
	long fd, r;

	if (argc != 3 || (strcmp(argv[1], "socketcall") != 0 && strcmp(argv[1], "bind") != 0)) {
		fprintf(stderr, "usage: bind32_m32 socketcall|bind ADDRESS [-- CMD...]\n");
		return H_SETUP;
	}
	bool via_socketcall = strcmp(argv[1], "socketcall") == 0;
	sun.sun_family = AF_UNIX;
	size_t n = h_parse_name(argv[2], (unsigned char *)sun.sun_path);
	if (n > sizeof(sun.sun_path))
		h_setup_fail("name too long");
	uint32_t len = (uint32_t)(offsetof(struct sockaddr_un, sun_path) + n);

	if (via_socketcall) {
		args[0] = AF_UNIX;
		args[1] = SOCK_STREAM;
		args[2] = 0;
		fd = int80(I386_NR_SOCKETCALL, CALL_SOCKET, (long)args, 0);
	} else {
		fd = int80(I386_NR_SOCKET, AF_UNIX, SOCK_STREAM, 0);
	}
	if (fd < 0) {
		errno = (int)-fd;
		h_setup_fail("socket");
	}
	if (via_socketcall) {
		args[0] = (uint32_t)fd;
		args[1] = (uint32_t)(uintptr_t)&sun;
		args[2] = len;
		r = int80(I386_NR_SOCKETCALL, CALL_BIND, (long)args, 0);
	} else {
		r = int80(I386_NR_BIND, fd, (long)&sun, (long)len);
	}
	if (r < 0) {
		printf("ERR i386 %s %s\n", argv[1], h_errname((int)-r));
		h_finish(cmd, H_REFUSED);
	}
	char name[512];
	h_sockname((int)fd, name, sizeof(name));
	printf("OK bound %s via i386 %s\n", name, argv[1]);
	h_finish(cmd, H_OK);
}
