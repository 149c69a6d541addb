# invariant: an executor killed before it took its request off the
# invariant: zygote's socket leaves it to the next executor; the zygote
# invariant: does not refuse it as well (here: it always does).
# file: launcher/executor.c
# tests: 22-gate-guard.sh:t_fault_executor_killed
/^static bool still_queued(int fd, uint64_t id)$/,/^}$/s/return n == .*;/return false;/
