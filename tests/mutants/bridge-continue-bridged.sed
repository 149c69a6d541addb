# invariant: a connect() to a bridged name is performed on the supervisor's
# invariant: one copy of the address; CONTINUE there would let the kernel
# invariant: read it again, in the sandbox's netns (never reaching the host's).
# file: launcher/notify.c
# tests: 85-bridge.sh:t_bridge_reaches_service_as_command
# modes: root
s/^\treturn perform_bridge(n, &c, &p);/\trespond_continue(n, c.id); return 0;/
