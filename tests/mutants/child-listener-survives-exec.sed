# invariant: the seccomp listener never reaches COMMAND. (Deleting the
# invariant: close(listener) alone would be an equivalent mutant: the kernel
# invariant: makes the listener O_CLOEXEC. So the close becomes a clear of
# invariant: FD_CLOEXEC: the fd is then left open across execve().)
# file: launcher/child.c
# tests: 20-gate.sh:t_no_seccomp_listener_inside
# modes: root
/The listener must never stay in the sandbox/,/close(listener);/s/close(listener);/fcntl(listener, F_SETFD, 0);/
