# invariant: the sandbox's /run is read-only (only --run-dir is writable).
# file: launcher/mount_plan.c
# tests: 10-core.sh:t_run_empty_readonly_tmpfs
# modes: root
/SJ_MOP_REMOUNT_RO, .dst = "\/run"/d
