// SPDX-License-Identifier: MIT
/*
 * int80probe: does this kernel run i386 system calls? It makes one call,
 * i386 getpid (20) through int $0x80, and nothing else, so that its answer
 * can be told apart from any other failure.
 *
 * Usage: int80probe
 * Prints "OK i386 getpid" (exit 0) when the call returned our pid, or
 * "ERR SIGSEGV at int 0x80" (exit 1) when the kernel refused the
 * instruction itself (IA-32 emulation off: #GP, SIGSEGV with si_code
 * SI_KERNEL at exactly that instruction). Anything else, another signal or
 * a SIGSEGV elsewhere, is not caught: the process dies of it.
 */
#include <signal.h>
#include <stdint.h>
#include <ucontext.h>

#include "helper.h"

#define I386_NR_GETPID 20

extern const char sj_int80_insn[];

static void on_segv(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;
	(void)sig;
	if (si->si_code == SI_KERNEL && (uintptr_t)uc->uc_mcontext.gregs[REG_RIP] == (uintptr_t)sj_int80_insn) {
		static const char msg[] = "ERR SIGSEGV at int 0x80\n";
		if (write(1, msg, sizeof(msg) - 1) < 0)
			_exit(H_SETUP);
		_exit(H_REFUSED);
	}
	/* Not the signature: die of it, as if no handler were set. */
	signal(SIGSEGV, SIG_DFL);
	raise(SIGSEGV);
}

int main(int argc, char **argv)
{
	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: int80probe\n");
		return H_SETUP;
	}
	struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO | SA_RESETHAND };
	if (sigaction(SIGSEGV, &sa, NULL) < 0)
		h_setup_fail("sigaction");
	fflush(stdout);
	long ret;
	__asm__ volatile(".globl sj_int80_insn\nsj_int80_insn:\n\tint $0x80"
			 : "=a"(ret)
			 : "a"(I386_NR_GETPID)
			 : "memory", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15");
	if (ret != (long)getpid()) {
		printf("SETUP i386 getpid returned %ld, not %ld\n", ret, (long)getpid());
		return H_SETUP;
	}
	printf("OK i386 getpid\n");
	return H_OK;
}
