# invariant: --learn shows the host's /run read-only, submounts included
# invariant: (the later remount of /run is not recursive).
# file: launcher/mount_plan.c
# tests: 13-readonly.sh:t_learn_run_recursive
# modes: root
/origin = "--learn"/s/\.readonly = true/.readonly = false/
