# invariant: a system call of any other arch than x86_64 (i386 through
# invariant: int 0x80, whose socketcall() and bind() the rules never see)
# invariant: kills the process.
# file: launcher/seccomp_filter.c
# unit: test_seccomp_filter
# tests: 20-gate.sh:t_i386_
# modes: root
s/SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS/SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ALLOW/
