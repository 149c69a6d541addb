# invariant: the executor zygote closes every fd but its socket and the
# invariant: run-dirs' (close_range):
# invariant: it must not keep the seccomp listener or the caller's fds.
# file: launcher/emulate.c
# tests: 23-gate-root-guard.sh:t_zygote_holds_only_its_socket
# modes: root
/^static int close_all_but(/,/^}/s/^\tunsigned from = 0;$/\tunsigned from = 0;\n\tif (n)\n\t\treturn 0;/
