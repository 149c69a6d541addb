# invariant: the filter is installed with SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV:
# invariant: once the supervisor has a bind, only a fatal signal ends the
# invariant: target's wait (a restarted bind would be performed twice).
# file: launcher/seccomp_filter.c
# tests: 22-gate-guard.sh:t_signal_during_bind
# modes: root
s/^\([[:space:]]*\)SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;/\10;/
