# invariant: where COMMAND's user namespace denies setgroups(), the executor
# invariant: takes COMMAND's groups before entering it, or refuses: it never
# invariant: binds with the supervisor's supplementary groups (here: both
# invariant: steps undone, the EPERM ignored as it once was).
# file: launcher/executor.c
# tests: 23-gate-edges-root.sh:t_executor_groups_setgroups_denied
# modes: root
s/t->groups_set = setgroups(t->n_host_groups, t->host_groups) == 0;/t->groups_set = (errno = EPERM, false);/
s/(errno != EPERM || !t->groups_match)/errno != EPERM/
