# invariant: io_uring is refused (ENOSYS): IORING_OP_BIND binds without the
# invariant: bind() system call the supervisor sees.
# file: launcher/seccomp_filter.c
# tests: 20-gate.sh:t_io_uring
# modes: root
s/i < ARRAY_SIZE(io_uring_calls);/i < ARRAY_SIZE(io_uring_calls) \&\& 0;/
