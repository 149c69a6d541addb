# invariant: setsockopt(SO_PASSCRED) is refused under --autobind deny: it
# invariant: autobinds on connect()/sendmsg() without any bind().
# file: launcher/seccomp_filter.c
# tests: 20-gate.sh:t_autobind
# modes: root
s/optnames\[\] = { SO_PASSCRED, SO_PASSPIDFD }/optnames[] = { SO_PASSPIDFD }/
