// SPDX-License-Identifier: MIT
/*
 * The kernel-enforced half of the bind() policy: everything here is decided
 * by the BPF program alone, with no race against the sandbox. Only bind()
 * goes to the supervisor (SCMP_ACT_NOTIFY); see design.md, "Layers".
 */
#include "seccomp_filter.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"

/* Linux 6.5; asm-generic value, which x86_64 uses. */
#ifndef SO_PASSPIDFD
#define SO_PASSPIDFD 76
#endif

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

/*
 * setsockopt() takes level and optname as int: the kernel
 * (__sys_setsockopt) never looks at the upper 32 bits of those registers.
 * The filter sees the full 64-bit registers, so compare the low half only.
 * SCMP_A1_32(SCMP_CMP_EQ, x) is not enough: libseccomp 2.5.4 merely
 * truncates the datum and still emits "a1.hi32 == 0", so a caller putting
 * garbage in the upper half would slip past. MASKED_EQ with 0xffffffff
 * makes the high-half test "hi32 & 0 == 0", which always holds.
 */
#define ARG_INT_EQ(n, v) SCMP_CMP64((n), SCMP_CMP_MASKED_EQ, 0xffffffffULL, (uint32_t)(v))

static int add_autobind_rules(scmp_filter_ctx ctx)
{
	/*
	 * connect(), sendto() and sendmsg() on an unbound AF_UNIX socket
	 * with SO_PASSCRED or SO_PASSPIDFD set autobind it to an abstract
	 * name (unix_autobind), without any bind() for the notifier to see.
	 * Refusing the option is the only race-free way to close that path.
	 */
	static const int optnames[] = { SO_PASSCRED, SO_PASSPIDFD };

	for (size_t i = 0; i < ARRAY_SIZE(optnames); i++) {
		int r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(setsockopt), 2,
					 ARG_INT_EQ(1, SOL_SOCKET), ARG_INT_EQ(2, optnames[i]));
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * TIOCSTI pushes bytes into a terminal's input queue and TIOCLINUX's
 * selection calls paste into it: a sandbox holding the caller's terminal
 * would type commands into the shell that started it. The kernel takes the
 * request as unsigned int (ksys_ioctl), so only its low 32 bits count.
 */
static int add_terminal_rules(scmp_filter_ctx ctx)
{
	static const unsigned long requests[] = { TIOCSTI, TIOCLINUX };
	for (size_t i = 0; i < ARRAY_SIZE(requests); i++) {
		int r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1, ARG_INT_EQ(1, requests[i]));
		if (r < 0)
			return r;
	}
	return 0;
}

int seccomp_filter_build(const struct sj_filter_opts *opts, scmp_filter_ctx *out)
{
	static const int io_uring_calls[] = {
		SCMP_SYS(io_uring_setup),
		SCMP_SYS(io_uring_enter),
		SCMP_SYS(io_uring_register),
	};
	_cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
	int r;

	if (!opts || !out)
		return -EINVAL;

	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return -ENOMEM;

	/*
	 * The context holds only the native arch (x86_64). Every other
	 * AUDIT_ARCH_* value kills the process: that closes i386 through
	 * int 0x80 (socketcall(), and bind() as syscall 361), which the
	 * kernel runs with AUDIT_ARCH_I386.
	 *
	 * x32 calls arrive as AUDIT_ARCH_X86_64 with bit 30 (0x40000000) set
	 * in nr. libseccomp 2.5.4 handles them itself when SCMP_ARCH_X32 is
	 * not in the context: right after loading nr it emits
	 * "jge 0x40000000 -> (jeq 0xffffffff ? go on : bad-arch action)", so
	 * every x32 number gets the action set here (nr == -1, which a tracer
	 * uses to skip a call and the kernel turns into ENOSYS, is left to
	 * the default). This is not shown by seccomp_export_pfc(), and would
	 * silently go away if SCMP_ARCH_X32 were ever added, hence the unit
	 * test that runs the exported BPF on x32 numbers.
	 */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	if (r < 0)
		return r;

	/*
	 * We never call seccomp_load(): the BPF is exported and installed with
	 * seccomp(2) so that WAIT_KILLABLE_RECV can be passed. These control
	 * attributes therefore reach the kernel only if someone loads this
	 * context with libseccomp; make that path behave like ours:
	 * - NNP off: no_new_privs is a step of its own in the child, taken
	 *   after ids and capabilities are dropped; without it (and without
	 *   CAP_SYS_ADMIN) the kernel refuses the filter, which fails closed.
	 * - TSYNC off: COMMAND's process is single-threaded when it loads the
	 *   filter, and TSYNC combined with NEW_LISTENER needs TSYNC_ESRCH.
	 * - LOG off: SECCOMP_FILTER_FLAG_LOG would audit-log every ERRNO and
	 *   NOTIFY verdict; the supervisor writes its own audit records.
	 * SYSRAWRC makes libseccomp pass the kernel's errno through instead of
	 * folding it into -ECANCELED, so export failures say what went wrong.
	 */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (r < 0)
		return r;
	r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 0);
	if (r < 0)
		return r;
	r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 0);
	if (r < 0)
		return r;
	r = seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
	if (r < 0)
		return r;

	/*
	 * Every bind() goes to the supervisor, which never answers CONTINUE:
	 * it either denies or performs the bind itself on a copy of the
	 * socket and address (the kernel re-reads user memory on CONTINUE).
	 */
	r = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(bind), 0);
	if (r < 0)
		return r;

	/*
	 * landlock_restrict_self() is observed (the supervisor keeps the
	 * ruleset and lets the call go on), so that binds it performs for a
	 * process that restricted itself apply that process's rules.
	 */
	r = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(landlock_restrict_self), 0);
	if (r < 0)
		return r;

	r = add_terminal_rules(ctx);
	if (r < 0)
		return r;

	/*
	 * io_uring performs bind/listen/connect (IORING_OP_BIND etc.) in the
	 * kernel without passing through the syscall filter. ENOSYS rather
	 * than EPERM, so that programs take their "no io_uring" fallback, as
	 * they do on kernels built without it.
	 */
	for (size_t i = 0; i < ARRAY_SIZE(io_uring_calls); i++) {
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), io_uring_calls[i], 0);
		if (r < 0)
			return r;
	}

	/*
	 * --learn only: the supervisor looks at the address of every
	 * connect()/sendto()/sendmsg() to find the /run sockets COMMAND
	 * needs, then lets the call continue. Learning observes, it does not
	 * enforce, so CONTINUE is acceptable here as it never is for bind().
	 */
	if (opts->learn) {
		r = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(connect), 0);
		if (r == 0)
			r = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(sendto), 0);
		/*
		 * The sendmsg() that hands the listener to the supervisor comes
		 * after the filter is loaded, before anyone can answer it.
		 */
		if (r == 0)
			r = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(sendmsg), 1,
					     SCMP_A0_64(SCMP_CMP_NE, (uint64_t)opts->learn_skip_fd));
		if (r < 0)
			return r;
	}

	/*
	 * --abstract-bridge, or --net host with --abstract-connect deny: the
	 * supervisor reads the address of every connect() (BPF cannot see
	 * behind the pointer). A round trip per connect(): off otherwise.
	 */
	if (opts->connect_notify && !opts->learn) {
		r = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(connect), 0);
		if (r < 0)
			return r;
	}

	if (opts->autobind_deny) {
		r = add_autobind_rules(ctx);
		if (r < 0)
			return r;
	}

	*out = TAKE_PTR(ctx);
	return 0;
}

int seccomp_filter_export(scmp_filter_ctx ctx, struct sock_fprog *prog)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ struct sock_filter *insns = NULL;
	struct stat st;
	size_t size, done = 0;
	int r;

	if (!ctx || !prog)
		return -EINVAL;

	/* libseccomp 2.5 can only export to an fd; a memfd keeps it off disk. */
	fd = memfd_create("sockjail-seccomp-bpf", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;

	r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return r;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (st.st_size <= 0 || st.st_size % sizeof(struct sock_filter) != 0)
		return -EIO;
	/* The kernel refuses longer programs (and sock_fprog.len is 16 bits). */
	if ((size_t)st.st_size / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return -E2BIG;
	size = (size_t)st.st_size;

	insns = malloc(size);
	if (!insns)
		return -ENOMEM;

	while (done < size) {
		ssize_t n = pread(fd, (char *)insns + done, size - done, (off_t)done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		done += (size_t)n;
	}

	prog->len = (unsigned short)(size / sizeof(struct sock_filter));
	prog->filter = TAKE_PTR(insns);
	return 0;
}

const struct sj_baked_filter *seccomp_filter_baked(const struct sj_filter_opts *opts)
{
	/* --learn's program names an fd number, which only the start knows. */
	if (!opts || opts->learn || !&sj_n_baked_filters)
		return NULL;
	for (unsigned i = 0; i < sj_n_baked_filters; i++) {
		const struct sj_baked_filter *b = &sj_baked_filters[i];
		if (b->autobind_deny == opts->autobind_deny && b->connect_notify == opts->connect_notify)
			return b;
	}
	return NULL;
}

int seccomp_filter_program(const struct sj_filter_opts *opts, struct sock_fprog *prog)
{
	const struct sj_baked_filter *b = seccomp_filter_baked(opts);
	_cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
	int r;

	if (!opts || !prog)
		return -EINVAL;
	if (b) {
		size_t size = (size_t)b->len * sizeof(*b->insns);
		if (!(prog->filter = malloc(size)))
			return -ENOMEM;
		memcpy(prog->filter, b->insns, size);
		prog->len = b->len;
		return 0;
	}
	if ((r = seccomp_filter_build(opts, &ctx)) < 0)
		return r;
	return seccomp_filter_export(ctx, prog);
}

void seccomp_filter_prog_free(struct sock_fprog *prog)
{
	if (!prog)
		return;
	free(prog->filter);
	prog->filter = NULL;
	prog->len = 0;
}

int seccomp_filter_print(scmp_filter_ctx ctx, int fd)
{
	if (!ctx || fd < 0)
		return -EINVAL;
	return seccomp_export_pfc(ctx, fd);
}

int seccomp_filter_install(const struct sock_fprog *prog)
{
	/*
	 * WAIT_KILLABLE_RECV: once the supervisor has received a bind()
	 * notification, only a fatal signal interrupts the target's wait.
	 * Without it a signal aborts the wait and the kernel restarts bind()
	 * as a fresh notification, while the supervisor may already have
	 * bound the (shared) socket for the first one: the restarted call
	 * would then fail with EINVAL instead of returning the real result.
	 *
	 * The kernel allows one listener per filter chain: under another
	 * notifier this fails with EBUSY, and COMMAND cannot add a listener
	 * of its own below ours either (EBUSY too).
	 */
	unsigned long flags = SECCOMP_FILTER_FLAG_NEW_LISTENER |
			      SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	long fd;

	if (!prog || !prog->filter || prog->len == 0)
		return -EINVAL;

	fd = syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, flags, prog);
	if (fd < 0 && errno == EINVAL) {
		/* Before Linux 5.19 the kernel rejects unknown flags. */
		flags &= ~SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
		fd = syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, flags, prog);
	}
	if (fd < 0)
		return -errno;
	/* The kernel creates the listener with O_CLOEXEC. */
	return (int)fd;
}
