# invariant: a --run-socket is bound read-only.
# file: launcher/mount_plan.c
# tests: 10-core.sh:t_run_socket_readonly
# modes: root
/origin = "--run-socket"/s/\.readonly = true/.readonly = false/
