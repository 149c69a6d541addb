# invariant: the executor zygote closes every fd but its own (close_range):
# invariant: it must not keep the seccomp listener or the caller's fds.
# file: launcher/executor.c
# tests: 23-gate-root-guard.sh:t_zygote_holds_only_its_socket
# modes: root
# (Two anchors: the zygote before and after it kept the run-dirs' fds.)
s/(fd > 0 && syscall(SYS_close_range, 0U, (unsigned)fd - 1, 0U) < 0)/0/
s/if (close_all_but(keep, [^;]*) < 0)$/if (0)/
