// SPDX-License-Identifier: MIT
/*
 * uring: bind or connect an AF_UNIX socket through io_uring, which does it
 * in the kernel without a bind()/connect() syscall for seccomp to see.
 *
 * Usage: uring setup [-- CMD...]
 *        uring bind ADDRESS [-- CMD...]     IORING_OP_BIND (56, Linux 6.11)
 *        uring connect ADDRESS [-- CMD...]  IORING_OP_CONNECT (16), stream
 * Raw syscalls only (no liburing). Prints "OK io_uring_setup fd N",
 * "OK bound NAME via IORING_OP_BIND", "OK connected ADDRESS via
 * IORING_OP_CONNECT", or "ERR <step> ERRNO" (io_uring_setup ENOSYS under
 * sockjail). Exit 0 / 1 / 2 (see helper.h).
 */
#include <linux/io_uring.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "helper.h"

#define OP_CONNECT 16
#define OP_BIND 56

struct ring {
	int fd;
	unsigned *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
};

static int ring_setup(struct ring *r)
{
	struct io_uring_params p;
	memset(&p, 0, sizeof(p));
	r->fd = (int)syscall(__NR_io_uring_setup, 4, &p);
	if (r->fd < 0)
		return -errno;
	size_t sq_size = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	size_t cq_size = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	if (cq_size > sq_size)
		sq_size = cq_size;
	/* IORING_FEAT_SINGLE_MMAP (5.4+): one mapping serves both rings. */
	char *sq = mmap(NULL, sq_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQ_RING);
	if (sq == MAP_FAILED)
		h_setup_fail("mmap sq ring");
	r->sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQES);
	if (r->sqes == MAP_FAILED)
		h_setup_fail("mmap sqes");
	r->sq_tail = (unsigned *)(sq + p.sq_off.tail);
	r->sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
	r->sq_array = (unsigned *)(sq + p.sq_off.array);
	r->cq_head = (unsigned *)(sq + p.cq_off.head);
	r->cq_tail = (unsigned *)(sq + p.cq_off.tail);
	r->cq_mask = (unsigned *)(sq + p.cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *)(sq + p.cq_off.cqes);
	return 0;
}

/* Submit one SQE and wait for its completion; returns cqe->res. */
static int ring_run(struct ring *r, const struct io_uring_sqe *sqe)
{
	unsigned tail = *r->sq_tail, idx = tail & *r->sq_mask;
	r->sqes[idx] = *sqe;
	r->sq_array[idx] = idx;
	__atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, r->fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
		return -errno;
	unsigned head = *r->cq_head;
	if (head == __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE))
		return -EAGAIN;
	int res = r->cqes[head & *r->cq_mask].res;
	__atomic_store_n(r->cq_head, head + 1, __ATOMIC_RELEASE);
	return res;
}

int main(int argc, char **argv)
{
	char **cmd = h_split_cmd(&argc, argv);
	struct ring ring;
	struct sockaddr_un sun;
	struct io_uring_sqe sqe;
	char name[512];

	if (argc < 2 || (strcmp(argv[1], "setup") != 0 && argc != 3))
		goto usage;
	int r = ring_setup(&ring);
	if (r < 0) {
		printf("ERR io_uring_setup %s\n", h_errname(-r));
		h_finish(cmd, H_REFUSED);
	}
	if (strcmp(argv[1], "setup") == 0) {
		printf("OK io_uring_setup fd %d\n", ring.fd);
		h_finish(cmd, H_OK);
	}

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	size_t n = h_parse_name(argv[2], (unsigned char *)sun.sun_path);
	if (n > sizeof(sun.sun_path))
		goto usage;
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		h_setup_fail("socket");

	memset(&sqe, 0, sizeof(sqe));
	sqe.fd = fd;
	sqe.addr = (uint64_t)(uintptr_t)&sun;
	if (strcmp(argv[1], "bind") == 0) {
		sqe.opcode = OP_BIND;
		sqe.addr2 = len; /* io_bind_prep(): the length travels in addr2 */
		r = ring_run(&ring, &sqe);
		if (r < 0) {
			/* EINVAL: a kernel older than 6.11 without the opcode. */
			printf("ERR IORING_OP_BIND %s\n", h_errname(-r));
			h_finish(cmd, H_REFUSED);
		}
		h_sockname(fd, name, sizeof(name));
		printf("OK bound %s via IORING_OP_BIND\n", name);
		h_finish(cmd, H_OK);
	}
	if (strcmp(argv[1], "connect") == 0) {
		sqe.opcode = OP_CONNECT;
		sqe.off = len; /* io_connect_prep(): the length travels in off (addr2) */
		r = ring_run(&ring, &sqe);
		if (r < 0) {
			printf("ERR IORING_OP_CONNECT %s\n", h_errname(-r));
			h_finish(cmd, H_REFUSED);
		}
		printf("OK connected %s via IORING_OP_CONNECT\n", argv[2]);
		h_finish(cmd, H_OK);
	}
usage:
	fprintf(stderr, "usage: uring setup | uring bind|connect ADDRESS [-- CMD...]\n");
	return H_SETUP;
}
