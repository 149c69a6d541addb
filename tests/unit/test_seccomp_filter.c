// SPDX-License-Identifier: MIT
/*
 * The seccomp filter, checked on the exported classic BPF: a small
 * interpreter runs the program over a struct seccomp_data, as the kernel
 * would, so each verdict is asserted without loading anything. One test
 * then installs the filter in a child (no root needed: no_new_privs) to
 * check that the kernel accepts it and that the listener fd works.
 */
#include "seccomp_filter.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/io_uring.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <cmocka.h>

#include "cleanup.h"

#ifndef SO_PASSPIDFD
#define SO_PASSPIDFD 76
#endif

#define X32_SYSCALL_BIT 0x40000000u
/* i386 numbers: the kernel runs int 0x80 calls with AUDIT_ARCH_I386. */
#define I386_NR_SOCKETCALL 102
#define I386_NR_BIND 361

#define RET_ALLOW SECCOMP_RET_ALLOW
#define RET_KILL SECCOMP_RET_KILL_PROCESS
#define RET_NOTIF SECCOMP_RET_USER_NOTIF
#define RET_ERRNO(e) (SECCOMP_RET_ERRNO | ((uint32_t)(e) & SECCOMP_RET_DATA))

/* ---- a classic BPF interpreter, restricted to what seccomp accepts ---- */

static uint32_t load_word(const struct seccomp_data *d, uint32_t off)
{
	uint32_t w;

	/* seccomp_check_filter(): aligned 32-bit loads inside seccomp_data. */
	if (off % 4 != 0 || off > sizeof(*d) - sizeof(w))
		fail_msg("BPF load at bad offset %u", off);
	memcpy(&w, (const char *)d + off, sizeof(w));
	return w;
}

static uint32_t alu(uint16_t op, uint32_t a, uint32_t v)
{
	switch (op) {
	case BPF_ADD: return a + v;
	case BPF_SUB: return a - v;
	case BPF_MUL: return a * v;
	case BPF_DIV:
		if (!v)
			fail_msg("BPF division by zero");
		return a / v;
	case BPF_MOD:
		if (!v)
			fail_msg("BPF modulo by zero");
		return a % v;
	case BPF_OR: return a | v;
	case BPF_AND: return a & v;
	case BPF_XOR: return a ^ v;
	case BPF_LSH: return v < 32 ? a << v : 0;
	case BPF_RSH: return v < 32 ? a >> v : 0;
	case BPF_NEG: return -a;
	}
	fail_msg("BPF ALU op 0x%x not handled", op);
	return 0;
}

static bool jump_taken(uint16_t op, uint32_t a, uint32_t v)
{
	switch (op) {
	case BPF_JEQ: return a == v;
	case BPF_JGT: return a > v;
	case BPF_JGE: return a >= v;
	case BPF_JSET: return (a & v) != 0;
	}
	fail_msg("BPF JMP op 0x%x not handled", op);
	return false;
}

static uint32_t bpf_run(const struct sock_fprog *prog, const struct seccomp_data *d)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };
	size_t pc = 0;

	/* Classic BPF only jumps forward, so this loop always ends. */
	while (pc < prog->len) {
		const struct sock_filter *f = &prog->filter[pc++];
		uint32_t src = BPF_SRC(f->code) == BPF_X ? x : f->k;

		switch (BPF_CLASS(f->code)) {
		case BPF_LD:
			if (f->code == (BPF_LD | BPF_W | BPF_ABS))
				a = load_word(d, f->k);
			else if (f->code == (BPF_LD | BPF_W | BPF_LEN))
				a = sizeof(*d);
			else if (f->code == (BPF_LD | BPF_IMM))
				a = f->k;
			else if (f->code == (BPF_LD | BPF_MEM) && f->k < BPF_MEMWORDS)
				a = mem[f->k];
			else
				fail_msg("BPF load 0x%x not handled", f->code);
			break;
		case BPF_LDX:
			if (f->code == (BPF_LDX | BPF_W | BPF_LEN))
				x = sizeof(*d);
			else if (f->code == (BPF_LDX | BPF_IMM))
				x = f->k;
			else if (f->code == (BPF_LDX | BPF_MEM) && f->k < BPF_MEMWORDS)
				x = mem[f->k];
			else
				fail_msg("BPF ldx 0x%x not handled", f->code);
			break;
		case BPF_ST:
		case BPF_STX:
			if (f->k >= BPF_MEMWORDS)
				fail_msg("BPF store to M[%u]", f->k);
			mem[f->k] = BPF_CLASS(f->code) == BPF_ST ? a : x;
			break;
		case BPF_ALU:
			a = alu(BPF_OP(f->code), a, src);
			break;
		case BPF_JMP:
			if (BPF_OP(f->code) == BPF_JA)
				pc += f->k;
			else
				pc += jump_taken(BPF_OP(f->code), a, src) ? f->jt : f->jf;
			break;
		case BPF_RET:
			if (BPF_RVAL(f->code) == BPF_K)
				return f->k;
			if (BPF_RVAL(f->code) == BPF_A)
				return a;
			fail_msg("BPF ret 0x%x not handled", f->code);
			break;
		case BPF_MISC:
			if (BPF_MISCOP(f->code) == BPF_TAX)
				x = a;
			else
				a = x;
			break;
		default:
			fail_msg("BPF class 0x%x not handled", BPF_CLASS(f->code));
		}
	}
	fail_msg("BPF program ran off its end");
	return 0;
}

static uint32_t verdict(const struct sock_fprog *prog, uint32_t arch, uint32_t nr,
			uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct seccomp_data d = {
		.nr = (int)nr,
		.arch = arch,
		.instruction_pointer = 0x401000,
		.args = { a0, a1, a2, 0x7ffc0000dead, 4, 0 },
	};
	return bpf_run(prog, &d);
}

static uint32_t on_x86_64(const struct sock_fprog *prog, uint32_t nr,
			  uint64_t a0, uint64_t a1, uint64_t a2)
{
	return verdict(prog, AUDIT_ARCH_X86_64, nr, a0, a1, a2);
}

/* ---- fixtures: the filter with and without --autobind deny ---- */

struct progs {
	struct sock_fprog deny;  /* autobind_deny = true */
	struct sock_fprog allow; /* autobind_deny = false */
};

static int export_one(bool autobind_deny, struct sock_fprog *prog)
{
	const struct sj_filter_opts opts = { .autobind_deny = autobind_deny };
	_cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
	int r;

	r = seccomp_filter_build(&opts, &ctx);
	if (r < 0)
		return r;
	return seccomp_filter_export(ctx, prog);
}

static int setup_progs(void **state)
{
	struct progs *p = calloc(1, sizeof(*p));

	if (!p)
		return -1;
	*state = p;
	if (export_one(true, &p->deny) < 0 || export_one(false, &p->allow) < 0)
		return -1;
	return 0;
}

static int teardown_progs(void **state)
{
	struct progs *p = *state;

	if (p) {
		seccomp_filter_prog_free(&p->deny);
		seccomp_filter_prog_free(&p->allow);
		free(p);
	}
	return 0;
}

/* ---- verdicts ---- */

static void test_bind_is_notified(void **state)
{
	struct progs *p = *state;

	assert_int_equal(on_x86_64(&p->deny, __NR_bind, 3, 0x1000, 2), RET_NOTIF);
	assert_int_equal(on_x86_64(&p->allow, __NR_bind, 3, 0x1000, 2), RET_NOTIF);
	/* addrlen with garbage in the upper half: still the supervisor's. */
	assert_int_equal(on_x86_64(&p->deny, __NR_bind, 3, 0x1000, 0xdeadbeef00000002), RET_NOTIF);
}

static void test_i386_is_killed(void **state)
{
	struct progs *p = *state;

	assert_int_equal(verdict(&p->deny, AUDIT_ARCH_I386, I386_NR_SOCKETCALL, 2, 0x1000, 0),
			 RET_KILL);
	assert_int_equal(verdict(&p->deny, AUDIT_ARCH_I386, I386_NR_BIND, 3, 0x1000, 2),
			 RET_KILL);
	assert_int_equal(verdict(&p->allow, AUDIT_ARCH_I386, I386_NR_BIND, 3, 0x1000, 2),
			 RET_KILL);
	/* Every i386 call, not just the socket ones, and any other arch. */
	for (uint32_t nr = 0; nr < 1024; nr++)
		assert_int_equal(verdict(&p->deny, AUDIT_ARCH_I386, nr, 0, 0, 0), RET_KILL);
	assert_int_equal(verdict(&p->deny, AUDIT_ARCH_AARCH64, __NR_bind, 0, 0, 0), RET_KILL);
	assert_int_equal(verdict(&p->deny, 0, __NR_getpid, 0, 0, 0), RET_KILL);
}

static void test_x32_is_killed(void **state)
{
	struct progs *p = *state;

	/* x32 runs with AUDIT_ARCH_X86_64; only the number tells it apart. */
	assert_int_equal(on_x86_64(&p->deny, X32_SYSCALL_BIT | __NR_bind, 3, 0x1000, 2), RET_KILL);
	assert_int_equal(on_x86_64(&p->allow, X32_SYSCALL_BIT | __NR_bind, 3, 0x1000, 2), RET_KILL);
	/* x32 setsockopt is 541 (compat table), io_uring shares 425..427. */
	assert_int_equal(on_x86_64(&p->deny, X32_SYSCALL_BIT | 541, 3, SOL_SOCKET, SO_PASSCRED),
			 RET_KILL);
	for (uint32_t nr = 0; nr < 1024; nr++)
		assert_int_equal(on_x86_64(&p->deny, X32_SYSCALL_BIT | nr, 0, 0, 0), RET_KILL);
	/* Higher bit patterns that still have the x32 bit set. */
	assert_int_equal(on_x86_64(&p->deny, 0x7fffffff, 0, 0, 0), RET_KILL);
	assert_int_equal(on_x86_64(&p->deny, 0xc0000031, 0, 0, 0), RET_KILL);
}

static void test_io_uring_is_enosys(void **state)
{
	struct progs *p = *state;
	const uint32_t nrs[] = { __NR_io_uring_setup, __NR_io_uring_enter,
				 __NR_io_uring_register };

	for (size_t i = 0; i < ARRAY_SIZE(nrs); i++) {
		assert_int_equal(on_x86_64(&p->deny, nrs[i], 1, 0x1000, 0), RET_ERRNO(ENOSYS));
		assert_int_equal(on_x86_64(&p->allow, nrs[i], 1, 0x1000, 0), RET_ERRNO(ENOSYS));
	}
}

static void test_passcred_denied_with_autobind_deny(void **state)
{
	struct progs *p = *state;

	assert_int_equal(on_x86_64(&p->deny, __NR_setsockopt, 3, SOL_SOCKET, SO_PASSCRED),
			 RET_ERRNO(EPERM));
	assert_int_equal(on_x86_64(&p->deny, __NR_setsockopt, 3, SOL_SOCKET, SO_PASSPIDFD),
			 RET_ERRNO(EPERM));
	/* Whatever the fd: the rule must not depend on it. */
	assert_int_equal(on_x86_64(&p->deny, __NR_setsockopt, 0xffffffffffffffff,
				   SOL_SOCKET, SO_PASSCRED), RET_ERRNO(EPERM));
}

static void test_passcred_allowed_without_autobind_deny(void **state)
{
	struct progs *p = *state;

	assert_int_equal(on_x86_64(&p->allow, __NR_setsockopt, 3, SOL_SOCKET, SO_PASSCRED),
			 RET_ALLOW);
	assert_int_equal(on_x86_64(&p->allow, __NR_setsockopt, 3, SOL_SOCKET, SO_PASSPIDFD),
			 RET_ALLOW);
}

static void test_passcred_upper_bits_ignored(void **state)
{
	struct progs *p = *state;
	/* The kernel reads level and optname as int: same call as (1, 16). */
	const uint64_t level = 0xdeadbeef00000000ull | SOL_SOCKET;
	const uint64_t hi = 0xffffffff00000000ull;

	assert_int_equal(on_x86_64(&p->deny, __NR_setsockopt, 3, level, SO_PASSCRED),
			 RET_ERRNO(EPERM));
	assert_int_equal(on_x86_64(&p->deny, __NR_setsockopt, 3, SOL_SOCKET, hi | SO_PASSCRED),
			 RET_ERRNO(EPERM));
	assert_int_equal(on_x86_64(&p->deny, __NR_setsockopt, 3, level, hi | SO_PASSPIDFD),
			 RET_ERRNO(EPERM));
	assert_int_equal(on_x86_64(&p->deny, __NR_setsockopt, 3, 0x100000000ull | SOL_SOCKET,
				   0x8000000000000000ull | SO_PASSPIDFD), RET_ERRNO(EPERM));
	assert_int_equal(on_x86_64(&p->allow, __NR_setsockopt, 3, level, hi | SO_PASSCRED),
			 RET_ALLOW);
}

static void test_other_sockopts_allowed(void **state)
{
	struct progs *p = *state;

	assert_int_equal(on_x86_64(&p->deny, __NR_setsockopt, 3, SOL_SOCKET, SO_REUSEADDR),
			 RET_ALLOW);
	assert_int_equal(on_x86_64(&p->deny, __NR_setsockopt, 3,
				   0xdeadbeef00000000ull | SOL_SOCKET, SO_REUSEADDR), RET_ALLOW);
	/* optname 16 at another level is some other option (TCP_REPAIR_OPTIONS). */
	assert_int_equal(on_x86_64(&p->deny, __NR_setsockopt, 3, IPPROTO_TCP, SO_PASSCRED),
			 RET_ALLOW);
	/* Reading the option autobinds nothing. */
	assert_int_equal(on_x86_64(&p->deny, __NR_getsockopt, 3, SOL_SOCKET, SO_PASSCRED),
			 RET_ALLOW);
}

static void test_other_syscalls_allowed(void **state)
{
	struct progs *p = *state;
	const uint32_t nrs[] = { __NR_getpid, __NR_connect, __NR_socket, __NR_write,
				 __NR_listen, __NR_sendmsg, __NR_execve };

	for (size_t i = 0; i < ARRAY_SIZE(nrs); i++) {
		assert_int_equal(on_x86_64(&p->deny, nrs[i], 3, 0x1000, 2), RET_ALLOW);
		assert_int_equal(on_x86_64(&p->allow, nrs[i], 3, 0x1000, 2), RET_ALLOW);
	}
}

/* TIOCSTI/TIOCLINUX: refused whatever the upper half of the request holds. */
static void test_terminal_injection_refused(void **state)
{
	struct progs *p = *state;
	const uint64_t hi[] = { 0, 0xdeadbeef00000000ull, 0xffffffff00000000ull, 0x100000000ull };

	for (size_t i = 0; i < ARRAY_SIZE(hi); i++) {
		assert_int_equal(on_x86_64(&p->deny, __NR_ioctl, 0, hi[i] | TIOCSTI, 0x7ffc0000), RET_ERRNO(EPERM));
		assert_int_equal(on_x86_64(&p->allow, __NR_ioctl, 0, hi[i] | TIOCSTI, 0x7ffc0000), RET_ERRNO(EPERM));
		assert_int_equal(on_x86_64(&p->deny, __NR_ioctl, 7, hi[i] | TIOCLINUX, 0x7ffc0000), RET_ERRNO(EPERM));
		assert_int_equal(on_x86_64(&p->allow, __NR_ioctl, 7, hi[i] | TIOCLINUX, 0x7ffc0000), RET_ERRNO(EPERM));
		/* Any fd, not only the terminal on 0. */
		assert_int_equal(on_x86_64(&p->deny, __NR_ioctl, 0xffffffffffffffffull, hi[i] | TIOCSTI, 0),
				 RET_ERRNO(EPERM));
	}
	/* Other terminal and socket ioctls go on, as do near misses of the two numbers. */
	assert_int_equal(on_x86_64(&p->deny, __NR_ioctl, 0, TCGETS, 0x7ffc0000), RET_ALLOW);
	assert_int_equal(on_x86_64(&p->deny, __NR_ioctl, 0, TIOCGWINSZ, 0x7ffc0000), RET_ALLOW);
	assert_int_equal(on_x86_64(&p->deny, __NR_ioctl, 3, FIONREAD, 0x7ffc0000), RET_ALLOW);
	assert_int_equal(on_x86_64(&p->deny, __NR_ioctl, 0, TIOCSTI + 1, 0), RET_ALLOW);
	assert_int_equal(on_x86_64(&p->deny, __NR_ioctl, 0, TIOCSTI | 0x10000, 0), RET_ALLOW);
	/* The i386 ioctl is killed like every i386 call. */
	assert_int_equal(verdict(&p->deny, AUDIT_ARCH_I386, 54, 0, TIOCSTI, 0), RET_KILL);
}

static void test_landlock_restrict_self_is_notified(void **state)
{
	struct progs *p = *state;

	assert_int_equal(on_x86_64(&p->deny, __NR_landlock_restrict_self, 3, 0, 0), RET_NOTIF);
	assert_int_equal(on_x86_64(&p->allow, __NR_landlock_restrict_self, 3, 0, 0), RET_NOTIF);
	/* Creating rulesets and adding rules is the program's own business. */
	assert_int_equal(on_x86_64(&p->deny, __NR_landlock_create_ruleset, 0, 0, 1), RET_ALLOW);
	assert_int_equal(on_x86_64(&p->deny, __NR_landlock_add_rule, 3, 1, 0x1000), RET_ALLOW);
}

/* Keep it minimal: no x86_64 call besides the ones above gets a rule. */
static void test_no_other_rules(void **state)
{
	struct progs *p = *state;

	for (uint32_t nr = 0; nr < 1024; nr++) {
		uint32_t want = RET_ALLOW;

		if (nr == __NR_bind || nr == __NR_landlock_restrict_self)
			want = RET_NOTIF;
		else if (nr == __NR_io_uring_setup || nr == __NR_io_uring_enter ||
			 nr == __NR_io_uring_register)
			want = RET_ERRNO(ENOSYS);
		assert_int_equal(on_x86_64(&p->deny, nr, 0, 0, 0), want);
		assert_int_equal(on_x86_64(&p->allow, nr, 0, 0, 0), want);
	}
}

/* ---- API edges ---- */

static void test_errors_leave_outputs_alone(void **state)
{
	const struct sj_filter_opts opts = { 0 };
	scmp_filter_ctx ctx = (scmp_filter_ctx)&opts;
	struct sock_fprog prog = { .len = 7, .filter = (struct sock_filter *)&opts };

	(void)state;
	assert_int_equal(seccomp_filter_build(NULL, &ctx), -EINVAL);
	assert_ptr_equal(ctx, &opts);
	assert_int_equal(seccomp_filter_build(&opts, NULL), -EINVAL);
	assert_int_equal(seccomp_filter_export(NULL, &prog), -EINVAL);
	assert_int_equal(prog.len, 7);
	assert_ptr_equal(prog.filter, &opts);
	assert_int_equal(seccomp_filter_install(NULL), -EINVAL);
	prog.len = 0;
	assert_int_equal(seccomp_filter_install(&prog), -EINVAL);
	seccomp_filter_prog_free(NULL);
}

/* --learn: connect/sendto/sendmsg notified, but never the listener handover. */
static void test_learn_observes_connects(void **state)
{
	const struct sj_filter_opts opts = { .learn = true, .learn_skip_fd = 7 };
	_cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
	struct sock_fprog prog = { 0 };
	(void)state;

	assert_int_equal(seccomp_filter_build(&opts, &ctx), 0);
	assert_int_equal(seccomp_filter_export(ctx, &prog), 0);
	assert_int_equal(on_x86_64(&prog, __NR_connect, 3, 0x1000, 20), RET_NOTIF);
	assert_int_equal(on_x86_64(&prog, __NR_sendto, 3, 0x1000, 20), RET_NOTIF);
	assert_int_equal(on_x86_64(&prog, __NR_sendmsg, 3, 0x1000, 0), RET_NOTIF);
	assert_int_equal(on_x86_64(&prog, __NR_sendmsg, 7, 0x1000, 0), RET_ALLOW);
	assert_int_equal(on_x86_64(&prog, __NR_bind, 7, 0x1000, 20), RET_NOTIF);
	assert_int_equal(on_x86_64(&prog, __NR_write, 7, 0x1000, 20), RET_ALLOW);
	seccomp_filter_prog_free(&prog);
}

/* --abstract-bridge (or --net host + --abstract-connect deny): connect() only; off by default. */
static void test_connect_notify_only_when_asked(void **state)
{
	const struct sj_filter_opts on = { .connect_notify = true }, off = { 0 };
	_cleanup_seccomp_ scmp_filter_ctx ctx = NULL, ctx_off = NULL;
	struct sock_fprog prog = { 0 }, prog_off = { 0 };
	(void)state;

	assert_int_equal(seccomp_filter_build(&on, &ctx), 0);
	assert_int_equal(seccomp_filter_export(ctx, &prog), 0);
	assert_int_equal(on_x86_64(&prog, __NR_connect, 3, 0x1000, 20), RET_NOTIF);
	assert_int_equal(on_x86_64(&prog, __NR_sendto, 3, 0x1000, 20), RET_ALLOW);
	assert_int_equal(on_x86_64(&prog, __NR_sendmsg, 3, 0x1000, 0), RET_ALLOW);
	assert_int_equal(on_x86_64(&prog, __NR_bind, 3, 0x1000, 20), RET_NOTIF);
	assert_int_equal(seccomp_filter_build(&off, &ctx_off), 0);
	assert_int_equal(seccomp_filter_export(ctx_off, &prog_off), 0);
	assert_int_equal(on_x86_64(&prog_off, __NR_connect, 3, 0x1000, 20), RET_ALLOW);
	seccomp_filter_prog_free(&prog);
	seccomp_filter_prog_free(&prog_off);
}

static void test_print_pfc(void **state)
{
	const struct sj_filter_opts opts = { .autobind_deny = true };
	_cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
	_cleanup_close_ int fd = -1;
	char buf[8192];
	ssize_t n;

	(void)state;
	assert_int_equal(seccomp_filter_build(&opts, &ctx), 0);
	fd = memfd_create("test-pfc", MFD_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(seccomp_filter_print(ctx, fd), 0);
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "\"bind\""));
	assert_non_null(strstr(buf, "\"setsockopt\""));
	assert_non_null(strstr(buf, "\"io_uring_setup\""));
	assert_non_null(strstr(buf, "KILL_PROCESS"));
	assert_int_equal(seccomp_filter_print(ctx, -1), -EINVAL);
}

/* ---- the real thing, in a child ---- */

#define TIMEOUT_MS 5000
#define NOTIF_ERRNO EHOSTDOWN /* one bind() would never return by itself */

static int send_one_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	char byte = 'f';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

static int recv_one_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct pollfd pfd = { .fd = sock, .events = POLLIN };
	struct cmsghdr *c;
	int fd;

	if (poll(&pfd, 1, TIMEOUT_MS) != 1)
		return -1;
	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int)))
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/* Runs in the child; the exit code names the step that failed. */
static int child_main(const struct sock_fprog *prog, int sock)
{
	struct io_uring_params params = { 0 };
	struct sockaddr_un addr = { .sun_family = AF_UNIX, .sun_path = "\0sj-unit" };
	socklen_t len = offsetof(struct sockaddr_un, sun_path) + 8;
	int listener, s;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return 10;
	listener = seccomp_filter_install(prog);
	if (listener < 0)
		return 11;
	/* One listener per filter chain: a nested one is refused. */
	if (seccomp_filter_install(prog) != -EBUSY)
		return 12;
	if (send_one_fd(sock, listener) < 0)
		return 13;
	close(listener);

	errno = 0;
	if (syscall(__NR_io_uring_setup, 1, &params) != -1 || errno != ENOSYS)
		return 14;

	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return 15;
	if (bind(s, (struct sockaddr *)&addr, len) != -1 || errno != NOTIF_ERRNO)
		return 16;
	if (write(sock, "b", 1) != 1)
		return 17;
	return 0;
}

/* Parent side; returns NULL or what went wrong. */
static const char *serve_one_bind(int sock, pid_t child)
{
	_cleanup_close_ int listener = -1;
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	struct pollfd pfd;
	char byte;

	listener = recv_one_fd(sock);
	if (listener < 0)
		return "no listener fd from the child";

	pfd = (struct pollfd){ .fd = listener, .events = POLLIN };
	if (poll(&pfd, 1, TIMEOUT_MS) != 1)
		return "no notification";
	/* The kernel insists on a zeroed buffer. */
	memset(&req, 0, sizeof(req));
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
		return "SECCOMP_IOCTL_NOTIF_RECV failed";
	if (req.data.nr != __NR_bind || req.data.arch != AUDIT_ARCH_X86_64)
		return "notification is not an x86_64 bind()";
	if ((pid_t)req.pid != child)
		return "notification from another task";

	/* Until we answer, the child sits in bind() and cannot report. */
	pfd = (struct pollfd){ .fd = sock, .events = POLLIN };
	if (poll(&pfd, 1, 100) != 0)
		return "bind() returned before the listener answered";

	memset(&resp, 0, sizeof(resp));
	resp.id = req.id;
	resp.error = -NOTIF_ERRNO;
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0)
		return "SECCOMP_IOCTL_NOTIF_SEND failed";

	if (poll(&pfd, 1, TIMEOUT_MS) != 1 || read(sock, &byte, 1) != 1)
		return "child did not finish after the answer";
	return NULL;
}

static void test_install_in_child(void **state)
{
	struct progs *p = *state;
	const char *why;
	int sv[2], status = 0;
	pid_t pid;

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(sv[0]);
		_exit(child_main(&p->deny, sv[1]));
	}
	close(sv[1]);

	why = serve_one_bind(sv[0], pid);
	if (why)
		kill(pid, SIGKILL);
	close(sv[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (why)
		fail_msg("%s (child status 0x%x)", why, status);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/*
 * The table make bakes (launcher/gen/bake_filters.c) holds, for each of
 * the four option sets, exactly the program libseccomp builds now, on
 * this kernel, from the same code: sockjail may load one for the other.
 */
static void test_baked_programs_are_the_built_ones(void **state)
{
	bool seen[2][2] = { { false } };
	(void)state;

	assert_non_null(&sj_n_baked_filters);
	assert_int_equal(sj_n_baked_filters, 4);
	for (unsigned i = 0; i < sj_n_baked_filters; i++) {
		const struct sj_baked_filter *b = &sj_baked_filters[i];
		const struct sj_filter_opts o = { .autobind_deny = b->autobind_deny,
						  .connect_notify = b->connect_notify };
		_cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
		struct sock_fprog built = { 0 };

		assert_false(seen[b->autobind_deny][b->connect_notify]);
		seen[b->autobind_deny][b->connect_notify] = true;
		assert_int_equal(seccomp_filter_build(&o, &ctx), 0);
		assert_int_equal(seccomp_filter_export(ctx, &built), 0);
		assert_int_equal(built.len, b->len);
		assert_memory_equal(built.filter, b->insns, (size_t)b->len * sizeof(*b->insns));
		assert_ptr_equal(seccomp_filter_baked(&o), b);
		seccomp_filter_prog_free(&built);
	}
}

/* seccomp_filter_program(): a copy of the baked one, except under --learn, which is built. */
static void test_program_baked_unless_learn(void **state)
{
	const struct sj_filter_opts plain = { .autobind_deny = true }, learn = { .learn = true, .learn_skip_fd = 7 };
	struct sock_fprog prog = { 0 }, learned = { 0 };
	const struct sj_baked_filter *b = seccomp_filter_baked(&plain);
	(void)state;

	assert_non_null(b);
	assert_int_equal(seccomp_filter_program(&plain, &prog), 0);
	assert_int_equal(prog.len, b->len);
	assert_ptr_not_equal(prog.filter, b->insns);
	assert_memory_equal(prog.filter, b->insns, (size_t)b->len * sizeof(*b->insns));
	assert_null(seccomp_filter_baked(&learn));
	assert_int_equal(seccomp_filter_program(&learn, &learned), 0);
	assert_int_equal(on_x86_64(&learned, __NR_sendmsg, 3, 0x1000, 0), RET_NOTIF);
	assert_int_equal(on_x86_64(&learned, __NR_sendmsg, 7, 0x1000, 0), RET_ALLOW);
	assert_int_equal(seccomp_filter_program(NULL, &prog), -EINVAL);
	seccomp_filter_prog_free(&prog);
	seccomp_filter_prog_free(&learned);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bind_is_notified),
		cmocka_unit_test(test_i386_is_killed),
		cmocka_unit_test(test_x32_is_killed),
		cmocka_unit_test(test_io_uring_is_enosys),
		cmocka_unit_test(test_passcred_denied_with_autobind_deny),
		cmocka_unit_test(test_passcred_allowed_without_autobind_deny),
		cmocka_unit_test(test_passcred_upper_bits_ignored),
		cmocka_unit_test(test_other_sockopts_allowed),
		cmocka_unit_test(test_other_syscalls_allowed),
		cmocka_unit_test(test_no_other_rules),
		cmocka_unit_test(test_terminal_injection_refused),
		cmocka_unit_test(test_landlock_restrict_self_is_notified),
		cmocka_unit_test(test_errors_leave_outputs_alone),
		cmocka_unit_test(test_learn_observes_connects),
		cmocka_unit_test(test_connect_notify_only_when_asked),
		cmocka_unit_test(test_print_pfc),
		cmocka_unit_test(test_install_in_child),
		cmocka_unit_test(test_baked_programs_are_the_built_ones),
		cmocka_unit_test(test_program_baked_unless_learn),
	};

	return cmocka_run_group_tests(tests, setup_progs, teardown_progs);
}
