// SPDX-License-Identifier: MIT
/*
 * int80: a 64-bit program that binds an abstract name through the i386
 * system call entry (int $0x80), which the kernel runs with
 * AUDIT_ARCH_I386 and i386 syscall numbers.
 *
 * Usage: int80 socketcall|bind ADDRESS [-- CMD...]
 *   socketcall  socketcall(SYS_BIND, args), i386 syscall 102
 *   bind        bind(), i386 syscall 361
 * The socket is made with a native syscall; only the bind goes through
 * int $0x80, with its arguments in memory below 4 GiB (MAP_32BIT), since
 * the compat entry sees 32-bit pointers. Prints "OK bound NAME via int
 * 0x80 socketcall" or "ERR int80 bind ERRNO"; under sockjail the process is
 * killed by SIGSYS (sockjail exits 159). Exit 0 / 1 / 2 (see helper.h).
 */
#include <stdint.h>
#include <sys/mman.h>

#include "helper.h"

#define I386_NR_SOCKETCALL 102
#define I386_NR_BIND 361
#define SYS_BIND_CALL 2 /* socketcall(2)'s call number for bind */

static long int80(long nr, long a, long b, long c)
{
	long ret;
	/*
	 * The compat entry saves and restores only the i386 registers; r8-r15
	 * come back zeroed on some kernels, so tell the compiler they are lost.
	 */
	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a), "c"(b), "d"(c)
			 : "memory", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15");
	return ret;
}

int main(int argc, char **argv)
{
	char **cmd = h_split_cmd(&argc, argv);
	if (argc != 3 || (strcmp(argv[1], "socketcall") != 0 && strcmp(argv[1], "bind") != 0)) {
		fprintf(stderr, "usage: int80 socketcall|bind ADDRESS [-- CMD...]\n");
		return H_SETUP;
	}
	unsigned char *low = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (low == MAP_FAILED)
		h_setup_fail("mmap MAP_32BIT");
	struct sockaddr_un *sun = (struct sockaddr_un *)low;
	uint32_t *args = (uint32_t *)(low + 2048);
	sun->sun_family = AF_UNIX;
	size_t n = h_parse_name(argv[2], (unsigned char *)sun->sun_path);
	if (n > sizeof(sun->sun_path))
		h_setup_fail("name too long");
	uint32_t len = (uint32_t)(offsetof(struct sockaddr_un, sun_path) + n);

	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		h_setup_fail("socket");
	fprintf(stderr, "int80: trying i386 %s on fd %d\n", argv[1], fd);
	fflush(stderr);

	long r;
	if (strcmp(argv[1], "socketcall") == 0) {
		args[0] = (uint32_t)fd;
		args[1] = (uint32_t)(uintptr_t)sun;
		args[2] = len;
		r = int80(I386_NR_SOCKETCALL, SYS_BIND_CALL, (long)(uintptr_t)args, 0);
	} else {
		r = int80(I386_NR_BIND, fd, (long)(uintptr_t)sun, len);
	}
	if (r < 0) {
		printf("ERR int80 %s %s\n", argv[1], h_errname((int)-r));
		h_finish(cmd, H_REFUSED);
	}
	char name[512];
	h_sockname(fd, name, sizeof(name));
	printf("OK bound %s via int 0x80 %s\n", name, argv[1]);
	h_finish(cmd, H_OK);
}
