// SPDX-License-Identifier: MIT
/*
 * bindun: one AF_UNIX bind() with exactly the address and length asked for,
 * through the raw syscall (libc cannot put garbage in the upper half of
 * addrlen).
 *
 * Usage: bindun [-t stream|dgram|seqpacket] [-l ADDRLEN] [-H] [-N|-U|-P]
 *               [-F opath|file|closed] ADDRESS [-- CMD...]
 *   ADDRESS  @name (abstract, \xNN escapes), or a path (relative or not)
 *   -l N     addrlen (default: 2 + the name's bytes; 2 is autobind). The
 *            address buffer is 256 bytes, the name followed by NULs, so
 *            any N up to 256 reads initialised memory
 *   -H       garbage in the upper 32 bits of the addrlen register
 *   -N       pass a NULL address; -U an unmapped one; -P one whose first
 *            byte is readable and the rest is not
 *   -F       bind an fd that is no socket: an O_PATH fd (the kernel's
 *            EBADF), a regular file (ENOTSOCK), a closed fd number (EBADF)
 * Prints "OK bound NAME" (NAME from getsockname(), escaped as sockjail does)
 * or "ERR bind ERRNO". Exit 0 / 1 / 2 (see helper.h).
 */
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "helper.h"

int main(int argc, char **argv)
{
	char **cmd = h_split_cmd(&argc, argv);
	int type = SOCK_STREAM, opt;
	long addrlen = -1;
	bool garbage = false;
	char ptr_kind = 0;
	const char *not_socket = NULL;

	while ((opt = getopt(argc, argv, "t:l:HNUPF:")) != -1) {
		switch (opt) {
		case 't':
			type = strcmp(optarg, "dgram") == 0	  ? SOCK_DGRAM
			       : strcmp(optarg, "seqpacket") == 0 ? SOCK_SEQPACKET
								  : SOCK_STREAM;
			break;
		case 'l':
			addrlen = strtol(optarg, NULL, 0);
			break;
		case 'H':
			garbage = true;
			break;
		case 'F':
			not_socket = optarg;
			break;
		case 'N':
		case 'U':
		case 'P':
			ptr_kind = (char)opt;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc - 1)
		goto usage;

	/* Page-aligned so that -P can put the end of the page right after byte 0. */
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *mem = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		h_setup_fail("mmap");
	unsigned char *buf = mem;
	memset(buf, 0, 256 + 2);
	sa_family_t family = AF_UNIX;
	memcpy(buf, &family, sizeof(family));
	size_t n = h_parse_name(argv[optind], buf + 2);
	if (addrlen < 0)
		addrlen = (long)(2 + n);

	void *addr = buf;
	if (ptr_kind == 'N') {
		addr = NULL;
	} else if (ptr_kind == 'U') {
		munmap(mem + page, (size_t)page);
		addr = mem + page;
	} else if (ptr_kind == 'P') {
		/* The family's first byte on the last readable byte of the page. */
		munmap(mem + page, (size_t)page);
		unsigned char *last = mem + page - 1;
		*last = buf[0];
		addr = last;
	}

	int fd;
	if (!not_socket)
		fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	else if (strcmp(not_socket, "opath") == 0)
		fd = open("/", O_PATH | O_CLOEXEC);
	else if (strcmp(not_socket, "file") == 0)
		fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	else
		fd = 999;
	if (fd < 0)
		h_setup_fail("socket");
	uint64_t len_reg = (uint64_t)(uint32_t)addrlen;
	if (garbage)
		len_reg |= UINT64_C(0xdead0001) << 32;
	long r = syscall(SYS_bind, fd, addr, len_reg);
	if (r < 0) {
		printf("ERR bind %s\n", h_errname(errno));
		h_finish(cmd, H_REFUSED);
	}
	char name[512];
	h_sockname(fd, name, sizeof(name));
	printf("OK bound %s\n", name);
	h_finish(cmd, H_OK);
usage:
	fprintf(stderr, "usage: bindun [-t stream|dgram|seqpacket] [-l ADDRLEN] [-H] [-N|-U|-P] [-F opath|file|closed]"
			" ADDRESS [-- CMD...]\n");
	return H_SETUP;
}
