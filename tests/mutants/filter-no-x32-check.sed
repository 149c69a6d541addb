# invariant: x32 system call numbers (bit 30) kill the process; adding
# invariant: SCMP_ARCH_X32 to the context would silently turn that off.
# file: launcher/seccomp_filter.c
# unit: test_seccomp_filter
# tests: 20-gate.sh:t_x32_syscall_number
# modes: root
/SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS/{n;n;a\
	seccomp_arch_add(ctx, SCMP_ARCH_X32);
}
