# invariant: under --pathname-bind run-dirs the executor restricts itself
# invariant: with Landlock after the path check, so a symlink swapped after
# invariant: the check cannot move the socket out of the run-dir.
# file: launcher/emulate.c
# tests: 22-gate-guard.sh:t_fault_symlink_swapped_after_check
# modes: root
s/landlock_restrict_make_sock(zy_cfg.landlock_abi, zy_cfg.run_dir_fds, zy_cfg.n_run_dirs) < 0/0/
