# invariant: a --run-dir sockjail created on the host is removed at the end.
# file: launcher/spawn.c
# tests: 11-core-root.sh:t_run_dir_created_owned_removed
# modes: root
/^[[:space:]]*run_dir_share_release(&sv->share, &sv->made);/d
